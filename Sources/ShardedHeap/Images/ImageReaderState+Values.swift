extension ImageReaderState {
    /// `node` as an integer of type `T`, if it holds one that fits.
    @inline(__always)
    func integer<T: FixedWidthInteger>(_ node: ImageNode, as type: T.Type, at ref: ImageNodeRef) throws -> T {
        let fitting: T?
        switch node {
        case .signed(let value): fitting = T(exactly: value)
        case .unsigned(let value): fitting = T(exactly: value)
        default: throw mismatch(T.self, expected: "\(T.self)", found: node, at: ref)
        }
        guard let value = fitting else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: path,
                    debugDescription: "the number at offset \(ref.offset) does not fit in \(T.self)"
                )
            )
        }
        return value
    }

    @inline(__always)
    func double(_ node: ImageNode, at ref: ImageNodeRef) throws -> Double {
        switch node {
        case .double(let value): return value
        case .float(let value): return Double(value)
        default: throw mismatch(Double.self, expected: "Double", found: node, at: ref)
        }
    }

    @inline(__always)
    func float(_ node: ImageNode, at ref: ImageNodeRef) throws -> Float {
        switch node {
        case .float(let value): return value
        case .double(let value): return Float(value)
        default: throw mismatch(Float.self, expected: "Float", found: node, at: ref)
        }
    }

    @inline(__always)
    func bool(_ node: ImageNode, at ref: ImageNodeRef) throws -> Bool {
        guard case .bool(let value) = node else { throw mismatch(Bool.self, expected: "Bool", found: node, at: ref) }
        return value
    }

    @inline(__always)
    func string(_ node: ImageNode, at ref: ImageNodeRef) throws -> String {
        guard case .string(let start, let count) = node else {
            throw mismatch(String.self, expected: "String", found: node, at: ref)
        }
        let utf8 = bytes.uncheckedBuffer(start, count).assumingMemoryBound(to: UInt8.self)
        guard let value = String(validating: utf8, as: UTF8.self) else { throw ImageError.invalidUTF8(at: ref.offset) }
        return value
    }

    /// Decodes `T` from `ref`: standard scalars and `String` directly, anything else through
    /// `T(from:)` one level deeper.
    func decodeValue<T: Decodable>(_ type: T.Type, at ref: ImageNodeRef, key: (any CodingKey)?) throws -> T {
        if let value = try decodeScalar(type, at: ref) { return value }
        try visit()
        guard depth < maximumDepth else { throw ImageError.tooDeep(limit: maximumDepth) }
        depth += 1
        if let key { path.append(key) }
        defer {
            depth -= 1
            if key != nil { path.removeLast() }
        }
        return try T(from: ImageDecoder(state: self, ref: ref))
    }

    /// `T` from `ref` when `T` is a standard scalar type or `String`; nil otherwise.
    @inline(__always)
    func decodeScalar<T>(_ type: T.Type, at ref: ImageNodeRef) throws -> T? {
        // Safe (every unsafeBitCast below): each runs only when T is exactly the source type.
        if T.self == String.self { return unsafeBitCast(try string(try node(ref), at: ref), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(try node(ref), as: Int.self, at: ref), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(try node(ref), at: ref), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(try node(ref), at: ref), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try integer(try node(ref), as: Int64.self, at: ref), to: T.self) }
        if T.self == Int32.self { return unsafeBitCast(try integer(try node(ref), as: Int32.self, at: ref), to: T.self) }
        if T.self == Int16.self { return unsafeBitCast(try integer(try node(ref), as: Int16.self, at: ref), to: T.self) }
        if T.self == Int8.self { return unsafeBitCast(try integer(try node(ref), as: Int8.self, at: ref), to: T.self) }
        if T.self == UInt.self { return unsafeBitCast(try integer(try node(ref), as: UInt.self, at: ref), to: T.self) }
        if T.self == UInt64.self { return unsafeBitCast(try integer(try node(ref), as: UInt64.self, at: ref), to: T.self) }
        if T.self == UInt32.self { return unsafeBitCast(try integer(try node(ref), as: UInt32.self, at: ref), to: T.self) }
        if T.self == UInt16.self { return unsafeBitCast(try integer(try node(ref), as: UInt16.self, at: ref), to: T.self) }
        if T.self == UInt8.self { return unsafeBitCast(try integer(try node(ref), as: UInt8.self, at: ref), to: T.self) }
        if T.self == Float.self { return unsafeBitCast(try float(try node(ref), at: ref), to: T.self) }
        return nil
    }
}
