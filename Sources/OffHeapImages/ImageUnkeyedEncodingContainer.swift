/// The unkeyed container of ``ImageEncoder``: numbers of one standard type are packed into a
/// scalar array; anything else is written as nodes and referenced from the array's table.
struct ImageUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let writer: ImageWriter
    let frame: Int
    let generation: UInt32

    var codingPath: [any CodingKey] { writer.path }

    var count: Int {
        writer.frames[frame].generation == generation
            ? writer.frames[frame].targets.count + writer.frames[frame].elementCount : 0
    }

    @inline(__always)
    private func node(_ write: () throws(ImageError) -> Int) throws {
        _ = try writer.checkFrame(frame, generation, .unkeyed)
        try writer.add(element: try write(), to: frame)
    }

    @inline(__always)
    private func number<T: Encodable>(_ value: T) throws {
        _ = try writer.checkFrame(frame, generation, .unkeyed)
        try writer.appendElement(value, code: ImageWriter.elementCode(of: T.self), to: frame)
    }

    mutating func encodeNil() throws { try node { () throws(ImageError) in try writer.writeNil() } }
    mutating func encode(_ value: Bool) throws { try node { () throws(ImageError) in try writer.writeBool(value) } }
    mutating func encode(_ value: String) throws { try node { () throws(ImageError) in try writer.writeString(value) } }
    mutating func encode(_ value: Double) throws { try number(value) }
    mutating func encode(_ value: Float) throws { try number(value) }
    mutating func encode(_ value: Int) throws { try number(value) }
    mutating func encode(_ value: Int8) throws { try number(value) }
    mutating func encode(_ value: Int16) throws { try number(value) }
    mutating func encode(_ value: Int32) throws { try number(value) }
    mutating func encode(_ value: Int64) throws { try number(value) }
    mutating func encode(_ value: UInt) throws { try number(value) }
    mutating func encode(_ value: UInt8) throws { try number(value) }
    mutating func encode(_ value: UInt16) throws { try number(value) }
    mutating func encode(_ value: UInt32) throws { try number(value) }
    mutating func encode(_ value: UInt64) throws { try number(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let depth = try writer.checkFrame(frame, generation, .unkeyed)
        if ImageWriter.elementCode(of: T.self) != 0 {
            try writer.appendElement(value, code: ImageWriter.elementCode(of: T.self), to: frame)
            return
        }
        let offset = try writer.encodeValue(value, depth: depth, key: ImageCodingKey(intValue: count))
        try writer.add(element: offset, to: frame)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let (id, nestedGeneration) = openNested(.keyed)
        return KeyedEncodingContainer(
            ImageKeyedEncodingContainer<NestedKey>(writer: writer, frame: id, generation: nestedGeneration)
        )
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let (id, nestedGeneration) = openNested(.unkeyed)
        return ImageUnkeyedEncodingContainer(writer: writer, frame: id, generation: nestedGeneration)
    }

    mutating func superEncoder() -> any Encoder {
        let (id, nestedGeneration) = openNested(.undecided)
        return ImageEncoder(writer: writer, frame: id, generation: nestedGeneration)
    }

    private func openNested(_ kind: ImageWriterFrame.Kind) -> (Int, UInt32) {
        do {
            _ = try writer.checkFrame(frame, generation, .unkeyed)
            return writer.openNested(kind, in: frame, key: nil)
        } catch {
            writer.deferredError = writer.deferredError ?? error
            return writer.openDetached(kind)
        }
    }
}
