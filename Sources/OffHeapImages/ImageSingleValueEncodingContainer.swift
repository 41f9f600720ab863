/// The single-value container of ``ImageEncoder``: its one value becomes the frame's node.
struct ImageSingleValueEncodingContainer: SingleValueEncodingContainer {
    let writer: ImageWriter
    let frame: Int
    let generation: UInt32

    var codingPath: [any CodingKey] { writer.path }

    @inline(__always)
    private func set(_ write: () throws(ImageError) -> Int) throws {
        try writer.setSingle(try write(), in: frame, generation)
    }

    mutating func encodeNil() throws { try set { () throws(ImageError) in try writer.writeNil() } }
    mutating func encode(_ value: Bool) throws { try set { () throws(ImageError) in try writer.writeBool(value) } }
    mutating func encode(_ value: String) throws { try set { () throws(ImageError) in try writer.writeString(value) } }
    mutating func encode(_ value: Double) throws { try set { () throws(ImageError) in try writer.writeDouble(value) } }
    mutating func encode(_ value: Float) throws { try set { () throws(ImageError) in try writer.writeFloat(value) } }
    mutating func encode(_ value: Int) throws {
        try set { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int8) throws {
        try set { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int16) throws {
        try set { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int32) throws {
        try set { () throws(ImageError) in try writer.writeSigned(Int64(value)) }
    }
    mutating func encode(_ value: Int64) throws { try set { () throws(ImageError) in try writer.writeSigned(value) } }
    mutating func encode(_ value: UInt) throws {
        try set { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt8) throws {
        try set { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt16) throws {
        try set { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt32) throws {
        try set { () throws(ImageError) in try writer.writeUnsigned(UInt64(value)) }
    }
    mutating func encode(_ value: UInt64) throws {
        try set { () throws(ImageError) in try writer.writeUnsigned(value) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let deferred = writer.deferredError { throw deferred }
        // The value goes one level deeper, so a chain of single-value wrappers is limited too.
        let offset = try writer.encodeValue(value, depth: writer.frames[frame].depth, key: nil)
        try writer.setSingle(offset, in: frame, generation)
    }
}
