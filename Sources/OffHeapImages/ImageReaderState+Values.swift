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
        guard let value = bytes.string(start: start, count: count) else { throw ImageError.invalidUTF8(at: ref.offset) }
        return value
    }

    /// The string at `ref`. A well-formed string node is read directly; anything else takes the
    /// general path, which throws the error that names what is there.
    @inline(__always)
    func string(at ref: ImageNodeRef) throws -> String {
        if ref.element < 0, let (start, count) = bytes.stringRange(at: ref.offset) {
            try visit()
            guard let value = bytes.string(start: start, count: count) else {
                throw ImageError.invalidUTF8(at: ref.offset)
            }
            return value
        }
        return try string(try node(ref), at: ref)
    }

    /// The integer at `ref` as a `T`. A well-formed integer node whose value fits is read
    /// directly; anything else takes the general path, which throws the error that names it.
    @inline(__always)
    func integer<T: FixedWidthInteger>(at ref: ImageNodeRef, as type: T.Type) throws -> T {
        if ref.element < 0, let (bits, isSigned) = bytes.integerBits(at: ref.offset) {
            let fitting = isSigned ? T(exactly: Int64(bitPattern: bits)) : T(exactly: bits)
            if let fitting {
                try visit()
                return fitting
            }
        }
        return try integer(try node(ref), as: type, at: ref)
    }

    /// Decodes `T` from `ref` at the top of a pass (no coding key): standard scalars and `String`
    /// directly, anything else through `T(from:)` one level deeper.
    func decodeValue<T: Decodable>(_ type: T.Type, at ref: ImageNodeRef) throws -> T {
        if Self.isScalar(type) { return try scalar(type, at: ref) }
        try enter()
        defer { depth -= 1 }
        return try T(from: ImageDecoder(state: self, ref: ref))
    }

    /// Decodes `T` from `ref`, the value of `key`, which the coding path holds while `T` decodes.
    func decodeValue<T: Decodable, Key: CodingKey>(_ type: T.Type, at ref: ImageNodeRef, key: Key) throws -> T {
        if Self.isScalar(type) { return try scalar(type, at: ref) }
        try enter()
        path.append(key)
        defer {
            depth -= 1
            path.removeLast()
        }
        return try T(from: ImageDecoder(state: self, ref: ref))
    }

    /// Counts a visit to a container and goes one level deeper.
    @inline(__always)
    private func enter() throws(ImageError) {
        try visit()
        guard depth < maximumDepth else { throw .tooDeep(limit: maximumDepth) }
        depth += 1
    }

    /// Whether `T` is a standard scalar type or `String`, which ``scalar(_:at:)`` reads.
    ///
    /// A plain `Bool`, not a `T?` from the reader: in code not specialised for `T`, making a `T?`
    /// looks up `Optional<T>`'s metadata at run time, which costs more than the read.
    @inline(__always)
    static func isScalar<T>(_ type: T.Type) -> Bool {
        T.self == String.self || T.self == Int.self || T.self == Double.self || T.self == Bool.self
            || T.self == Int64.self || T.self == Int32.self || T.self == Int16.self || T.self == Int8.self
            || T.self == UInt.self || T.self == UInt64.self || T.self == UInt32.self || T.self == UInt16.self
            || T.self == UInt8.self || T.self == Float.self
    }

    /// `T` from `ref`, where `T` is a standard scalar type or `String`.
    /// - Precondition: `isScalar(T.self)`.
    @inline(__always)
    func scalar<T>(_ type: T.Type, at ref: ImageNodeRef) throws -> T {
        // Safe (every unsafeBitCast below): each runs only when T is exactly the source type.
        if T.self == String.self { return unsafeBitCast(try string(at: ref), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(at: ref, as: Int.self), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(try node(ref), at: ref), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(try node(ref), at: ref), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try integer(at: ref, as: Int64.self), to: T.self) }
        if T.self == Int32.self { return unsafeBitCast(try integer(at: ref, as: Int32.self), to: T.self) }
        if T.self == Int16.self { return unsafeBitCast(try integer(at: ref, as: Int16.self), to: T.self) }
        if T.self == Int8.self { return unsafeBitCast(try integer(at: ref, as: Int8.self), to: T.self) }
        if T.self == UInt.self { return unsafeBitCast(try integer(at: ref, as: UInt.self), to: T.self) }
        if T.self == UInt64.self { return unsafeBitCast(try integer(at: ref, as: UInt64.self), to: T.self) }
        if T.self == UInt32.self { return unsafeBitCast(try integer(at: ref, as: UInt32.self), to: T.self) }
        if T.self == UInt16.self { return unsafeBitCast(try integer(at: ref, as: UInt16.self), to: T.self) }
        if T.self == UInt8.self { return unsafeBitCast(try integer(at: ref, as: UInt8.self), to: T.self) }
        if T.self == Float.self { return unsafeBitCast(try float(try node(ref), at: ref), to: T.self) }
        fatalError("ImageReaderState.scalar: \(T.self) is not a standard scalar type")
    }
}
