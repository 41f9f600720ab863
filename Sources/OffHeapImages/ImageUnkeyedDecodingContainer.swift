/// The unkeyed container of ``ImageDecoder``, over an array of nodes or a scalar array.
struct ImageUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    enum Source {
        case nodes(ImageArrayNode)
        case scalars(ImageScalarArrayNode)
    }

    let state: ImageReaderState
    let source: Source
    private(set) var currentIndex = 0

    init(state: ImageReaderState, source: Source) {
        self.state = state
        self.source = source
    }

    var codingPath: [any CodingKey] { state.path }

    var count: Int? {
        switch source {
        case .nodes(let array): array.count
        case .scalars(let array): array.count
        }
    }

    var isAtEnd: Bool { currentIndex >= count! }

    /// Where the current element is, or a `valueNotFound` error at the end.
    @inline(__always)
    private func current(_ type: Any.Type) throws -> ImageNodeRef {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(codingPath: state.path, debugDescription: "the array has no more elements")
            )
        }
        switch source {
        case .nodes(let array): return ImageNodeRef(offset: try array.child(currentIndex, in: state.bytes))
        case .scalars(let array): return ImageNodeRef(offset: array.offset, element: currentIndex)
        }
    }

    mutating func decodeNil() throws -> Bool {
        if case .null = try state.node(try current(Never.self)) {
            currentIndex += 1
            return true
        }
        return false
    }

    @inline(__always)
    private mutating func scalar<T>(_ type: T.Type) throws -> T {
        let value = try state.scalar(type, at: try current(type))
        currentIndex += 1
        return value
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try scalar(type) }
    mutating func decode(_ type: String.Type) throws -> String { try scalar(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try scalar(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try scalar(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try scalar(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try scalar(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try state.decodeValue(type, at: try current(type), key: ImageCodingKey(intValue: currentIndex))
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try ImageDecoder(state: state, ref: try current(type)).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try ImageDecoder(state: state, ref: try current([Any].self)).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = ImageDecoder(state: state, ref: try current(Any.self))
        currentIndex += 1
        return decoder
    }
}
