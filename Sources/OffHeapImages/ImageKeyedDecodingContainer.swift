/// The keyed container of ``ImageDecoder``. Fields are found by comparing key bytes: a linear
/// scan for small containers, a dictionary built once for containers of more than 16 fields
/// (dictionaries), so decoding stays O(fields) overall.
///
/// Holds one reference (the pass's state) and plain numbers, so the copies Codable makes of it
/// (one for every field read) change one reference count each; the dictionary of a large
/// container is kept by the state (``ImageReaderState/fieldIndex(of:inLarge:)``).
struct ImageKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: ImageReaderState
    let node: ImageKeyedNode

    /// A container over `node`. Kept trivial (a large node's dictionary is built by
    /// ``ImageReaderState/prepareFieldIndex(of:)`` before): a generic initialiser with a body
    /// builds `self` in a temporary, which costs a metadata lookup and a copy on every container.
    @inline(__always)
    init(state: ImageReaderState, node: ImageKeyedNode) {
        self.state = state
        self.node = node
    }

    var codingPath: [any CodingKey] { state.path }

    var allKeys: [Key] {
        (0..<node.count).compactMap { field in
            (try? state.keys.name(ofField: field, in: node)).flatMap(Key.init(stringValue:))
        }
    }

    @inline(__always)
    private func field(_ key: Key) throws(ImageError) -> Int? {
        if node.count > ImageReaderState.largeContainer {
            return try state.fieldIndex(of: key.stringValue, inLarge: node)
        }
        return try state.fieldIndex(of: key.stringValue, in: node)
    }

    /// Where the value of `key` is, or a `keyNotFound` error.
    @inline(__always)
    private func ref(_ key: Key) throws -> ImageNodeRef {
        guard let field = try field(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: state.path,
                    debugDescription: "no field \"\(key.stringValue)\" in the keyed container at offset \(node.offset)"
                )
            )
        }
        return ImageNodeRef(offset: try node.child(field, in: state.bytes))
    }

    func contains(_ key: Key) -> Bool { ((try? field(key)) ?? nil) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try state.node(try ref(key)) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let at = try ref(key)
        return try state.bool(try state.node(at), at: at)
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try state.string(at: try ref(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        let at = try ref(key)
        return try state.double(try state.node(at), at: at)
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        let at = try ref(key)
        return try state.float(try state.node(at), at: at)
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    @inline(__always)
    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        try state.integer(at: try ref(key), as: T.self)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try state.decodeValue(type, at: try ref(key), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try ImageDecoder(state: state, ref: try ref(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ImageDecoder(state: state, ref: try ref(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let field = try state.fieldIndex(of: ImageCodingKey.superKey.stringValue, in: node) else {
            throw DecodingError.keyNotFound(
                ImageCodingKey.superKey,
                DecodingError.Context(codingPath: state.path, debugDescription: "no field \"super\"")
            )
        }
        return ImageDecoder(state: state, ref: ImageNodeRef(offset: try node.child(field, in: state.bytes)))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ImageDecoder(state: state, ref: try ref(key))
    }
}
