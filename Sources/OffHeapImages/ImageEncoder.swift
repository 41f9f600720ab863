/// The `Encoder` a value sees during ``OffHeap/copy(_:allocator:)``: a writer and the frame the
/// value's container goes into. A small struct, so handing it to `encode(to:)` allocates nothing.
struct ImageEncoder: Encoder {
    let writer: ImageWriter
    let frame: Int
    let generation: UInt32

    var codingPath: [any CodingKey] { writer.path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.claim(frame, generation, as: .keyed)
        return KeyedEncodingContainer(
            ImageKeyedEncodingContainer<Key>(writer: writer, frame: frame, generation: generation)
        )
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.claim(frame, generation, as: .unkeyed)
        return ImageUnkeyedEncodingContainer(writer: writer, frame: frame, generation: generation)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        writer.claim(frame, generation, as: .single)
        return ImageSingleValueEncodingContainer(writer: writer, frame: frame, generation: generation)
    }
}
