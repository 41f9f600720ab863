/// The key table of an image (an array of string nodes, indexed by key id) and lookups in it.
struct ImageKeys {
    let bytes: ImageBytes
    let table: ImageArrayNode

    init(bytes: ImageBytes, tableOffset: Int) throws(ImageError) {
        self.bytes = bytes
        self.table = try bytes.arrayNode(at: tableOffset)
    }

    /// The UTF-8 bytes of key `id`, as used by `keyed`.
    func bytes(ofKey id: UInt64, in keyed: ImageKeyedNode) throws(ImageError) -> UnsafeRawBufferPointer {
        guard id < UInt64(table.count) else {
            throw .badKeyID(at: keyed.offset, keyID: id, keyCount: table.count)
        }
        let offset = try table.child(Int(id), in: bytes)
        guard case .string(let start, let count) = try bytes.node(at: offset) else {
            throw .unexpectedNode(at: offset, expected: "String (a key)", found: "another node")
        }
        return bytes.uncheckedBuffer(start, count)
    }

    /// Key `id` as a string.
    func string(ofKey id: UInt64, in keyed: ImageKeyedNode) throws(ImageError) -> String {
        let raw = try bytes(ofKey: id, in: keyed)
        guard let string = String(validating: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
            throw .invalidUTF8(at: keyed.offset)
        }
        return string
    }

    /// The name of field `field` of `keyed`.
    func name(ofField field: Int, in keyed: ImageKeyedNode) throws(ImageError) -> String {
        try string(ofKey: keyed.keyID(field, in: bytes), in: keyed)
    }

    /// The index of the first field named `name` in `keyed`, or nil. O(fields).
    func field(named name: String, in keyed: ImageKeyedNode) throws(ImageError) -> Int? {
        for field in 0..<keyed.count where Self.equal(try bytes(ofKey: keyed.keyID(field, in: bytes), in: keyed), name) {
            return field
        }
        return nil
    }

    /// Whether `raw` holds exactly the UTF-8 of `name`.
    @inline(__always)
    static func equal(_ raw: UnsafeRawBufferPointer, _ name: String) -> Bool {
        let utf8 = name.utf8
        guard utf8.count == raw.count else { return false }
        if let same = utf8.withContiguousStorageIfAvailable({ UnsafeRawBufferPointer($0).elementsEqual(raw) }) {
            return same
        }
        return utf8.elementsEqual(raw)
    }
}
