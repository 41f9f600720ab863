/// The keyed container of ``ImageEncoder``: each field's value is written at once, and its key
/// id and offset are recorded in the frame until the frame's node is written.
struct ImageKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: ImageWriter
    let frame: Int
    let generation: UInt32

    var codingPath: [any CodingKey] { writer.path }

    @inline(__always)
    private func record(_ key: Key, _ write: () throws(ImageError) -> Int) throws {
        _ = try writer.checkFrame(frame, generation, .keyed)
        let id = try writer.keyID(key, position: writer.frames[frame].keys.count)
        writer.add(key: id, offset: try write(), to: frame)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeNil() }
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeBool(value) }
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeString(value) }
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeDouble(value) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeFloat(value) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int16, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeSigned(value) }
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        try record(key) { () throws(ImageError) in try writer.writeUnsigned(value) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let depth = try writer.checkFrame(frame, generation, .keyed)
        let id = try writer.keyID(key, position: writer.frames[frame].keys.count)
        let offset = try writer.encodeValue(value, depth: depth, key: key)
        writer.add(key: id, offset: offset, to: frame)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let (id, nestedGeneration) = openNested(.keyed, key: key)
        return KeyedEncodingContainer(
            ImageKeyedEncodingContainer<NestedKey>(writer: writer, frame: id, generation: nestedGeneration)
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let (id, nestedGeneration) = openNested(.unkeyed, key: key)
        return ImageUnkeyedEncodingContainer(writer: writer, frame: id, generation: nestedGeneration)
    }

    mutating func superEncoder() -> any Encoder {
        let (id, nestedGeneration) = openNested(.undecided, key: ImageCodingKey.superKey)
        return ImageEncoder(writer: writer, frame: id, generation: nestedGeneration)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let (id, nestedGeneration) = openNested(.undecided, key: key)
        return ImageEncoder(writer: writer, frame: id, generation: nestedGeneration)
    }

    private func openNested(_ kind: ImageWriterFrame.Kind, key: some CodingKey) -> (Int, UInt32) {
        do {
            _ = try writer.checkFrame(frame, generation, .keyed)
            let id = try writer.keyID(key, position: writer.frames[frame].keys.count)
            return writer.openNested(kind, in: frame, key: id)
        } catch {
            writer.deferredError = writer.deferredError ?? error
            return writer.openDetached(kind)
        }
    }
}
