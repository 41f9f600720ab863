extension ImageBytes {
    /// The offset of a child `distance` bytes before its parent at `parent`. Children always lie
    /// before their parents and after the header, so following references always terminates.
    @inline(__always)
    static func childOffset(parent: Int, distance: UInt64) throws(ImageError) -> Int {
        guard distance >= 1, distance <= UInt64(parent - ImageFormat.headerSize) else {
            throw .badReference(at: parent, distance: distance)
        }
        return parent - Int(distance)
    }

    /// A name for the tag byte `tag`, for error messages.
    static func tagName(_ tag: UInt8) -> String {
        switch tag {
        case ImageFormat.Tag.null: "nil"
        case ImageFormat.Tag.falseValue, ImageFormat.Tag.trueValue: "Bool"
        case ImageFormat.Tag.signed...(ImageFormat.Tag.signed | 3): "signed integer"
        case ImageFormat.Tag.unsigned...(ImageFormat.Tag.unsigned | 3): "unsigned integer"
        case ImageFormat.Tag.float32: "Float"
        case ImageFormat.Tag.float64: "Double"
        case ImageFormat.Tag.string...(ImageFormat.Tag.string | 3): "String"
        case ImageFormat.Tag.keyed: "keyed container"
        case ImageFormat.Tag.array: "array"
        case ImageFormat.Tag.scalarArray: "scalar array"
        default: "unknown tag 0x\(String(tag, radix: 16, uppercase: true))"
        }
    }

    /// Parses the node at `offset`, checking its fixed part and its tables against the image.
    func node(at offset: Int) throws(ImageError) -> ImageNode {
        guard offset >= ImageFormat.headerSize else {
            throw .outOfBounds(
                what: "node",
                offset: UInt64(bitPattern: Int64(offset)),
                byteCount: 1,
                imageLength: count
            )
        }
        let tag = try byte(at: offset, "node tag")
        switch tag {
        case ImageFormat.Tag.null:
            return .null
        case ImageFormat.Tag.falseValue:
            return .bool(false)
        case ImageFormat.Tag.trueValue:
            return .bool(true)
        case ImageFormat.Tag.signed...(ImageFormat.Tag.signed | 3):
            return .signed(try signed(widthCode: tag, at: offset + 1, "integer"))
        case ImageFormat.Tag.unsigned...(ImageFormat.Tag.unsigned | 3):
            return .unsigned(try unsigned(widthCode: tag, at: offset + 1, "integer"))
        case ImageFormat.Tag.float32:
            return .float(Float(bitPattern: try load(UInt32.self, at: offset + 1, "Float")))
        case ImageFormat.Tag.float64:
            return .double(Double(bitPattern: try load(UInt64.self, at: offset + 1, "Double")))
        case ImageFormat.Tag.string...(ImageFormat.Tag.string | 3):
            let length = try unsigned(widthCode: tag, at: offset + 1, "string length")
            let start = offset + 1 + ImageFormat.width(ofCode: tag)
            guard length <= UInt64(Int.max) else {
                throw .outOfBounds(what: "string", offset: UInt64(start), byteCount: length, imageLength: count)
            }
            try check(start, Int(length), "string")
            return .string(start: start, count: Int(length))
        case ImageFormat.Tag.keyed:
            return .keyed(try keyedNode(at: offset))
        case ImageFormat.Tag.array:
            return .array(try arrayNode(at: offset))
        case ImageFormat.Tag.scalarArray:
            return .scalarArray(try scalarArrayNode(at: offset))
        default:
            throw .unexpectedNode(at: offset, expected: "a node tag", found: Self.tagName(tag))
        }
    }

    /// The UTF-8 range of the string node at `offset`, or nil when there is no well-formed string
    /// node there (then `node(at:)` says what is wrong). The range is checked against the image.
    @inline(__always)
    func stringRange(at offset: Int) -> (start: Int, count: Int)? {
        guard offset >= ImageFormat.headerSize, offset < count else { return nil }
        // Safe: `offset` was just checked to lie inside the image.
        let tag = base.load(fromByteOffset: offset, as: UInt8.self)
        guard tag & ~3 == ImageFormat.Tag.string else { return nil }
        let width = ImageFormat.width(ofCode: tag)
        let start = offset + 1 + width
        guard start <= count else { return nil }
        let length = uncheckedUnsigned(widthCode: tag, at: offset + 1)  // its range: just checked
        guard length <= UInt64(count - start) else { return nil }
        return (start, Int(length))
    }

    /// The keyed container node at `offset`, or nil when there is no well-formed one there (then
    /// `node(at:)` says what is wrong). Checks what `node(at:)` checks, in fewer steps.
    @inline(__always)
    func keyedNodeIfValid(at offset: Int) -> ImageKeyedNode? {
        guard offset >= ImageFormat.headerSize, offset <= count - ImageFormat.keyedHeaderSize else { return nil }
        // Safe (all three): the node's fixed part was just checked to lie inside the image.
        guard base.load(fromByteOffset: offset, as: UInt8.self) == ImageFormat.Tag.keyed else { return nil }
        let widths = base.load(fromByteOffset: offset + 1, as: UInt8.self)
        guard widths & 0xF0 == 0 else { return nil }
        let fields = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 2, as: UInt32.self)))
        let node = ImageKeyedNode(offset: offset, count: fields, widths: widths)
        guard node.tableByteCount <= count - node.keysStart else { return nil }
        return node
    }

    /// The value of the integer node at `offset` (sign-extended when signed), or nil when there
    /// is no well-formed integer node there (then `node(at:)` says what is wrong).
    @inline(__always)
    func integerBits(at offset: Int) -> (bits: UInt64, isSigned: Bool)? {
        guard offset >= ImageFormat.headerSize, offset < count else { return nil }
        // Safe: `offset` was just checked to lie inside the image.
        let tag = base.load(fromByteOffset: offset, as: UInt8.self)
        let kind = tag & ~3
        guard kind == ImageFormat.Tag.signed || kind == ImageFormat.Tag.unsigned else { return nil }
        let width = ImageFormat.width(ofCode: tag)
        guard width <= count - offset - 1 else { return nil }
        let raw = uncheckedUnsigned(widthCode: tag, at: offset + 1)  // its range: just checked
        guard kind == ImageFormat.Tag.signed else { return (raw, false) }
        let shift = UInt64(64 - 8 * width)
        return (UInt64(bitPattern: Int64(bitPattern: raw << shift) >> shift), true)
    }

    /// The value at `ref`: a node, or one element of a scalar array.
    @inline(__always)
    func node(_ ref: ImageNodeRef) throws(ImageError) -> ImageNode {
        if ref.element < 0 { return try node(at: ref.offset) }
        guard case .scalarArray(let array) = try node(at: ref.offset), ref.element < array.count else {
            throw .unexpectedNode(at: ref.offset, expected: "scalar array", found: "another node")
        }
        return array.element(ref.element, in: self)
    }

    private func keyedNode(at offset: Int) throws(ImageError) -> ImageKeyedNode {
        try check(offset, ImageFormat.keyedHeaderSize, "keyed container")
        let widths = try byte(at: offset + 1, "keyed container")
        guard widths & 0xF0 == 0 else {
            throw .unexpectedNode(
                at: offset,
                expected: "width byte below 0x10",
                found: "0x\(String(widths, radix: 16))"
            )
        }
        let count = Int(try load(UInt32.self, at: offset + 2, "keyed container"))
        let node = ImageKeyedNode(offset: offset, count: count, widths: widths)
        try check(node.keysStart, node.tableByteCount, "keyed container table")
        return node
    }

    func arrayNode(at offset: Int) throws(ImageError) -> ImageArrayNode {
        try check(offset, ImageFormat.arrayHeaderSize, "array")
        let tag = try byte(at: offset, "array")
        guard tag == ImageFormat.Tag.array else {
            throw .unexpectedNode(at: offset, expected: "array", found: Self.tagName(tag))
        }
        let code = try byte(at: offset + 1, "array")
        guard code <= 3 else {
            throw .unexpectedNode(at: offset, expected: "width code 0 to 3", found: "\(code)")
        }
        let elements = try load(UInt64.self, at: offset + 2, "array")
        let width = ImageFormat.width(ofCode: code)
        let start = offset + ImageFormat.arrayHeaderSize
        guard elements <= UInt64(count(after: start) / width) else {
            throw .outOfBounds(what: "array table", offset: UInt64(start), byteCount: elements, imageLength: count)
        }
        return ImageArrayNode(offset: offset, count: Int(elements), distanceCode: code, distancesStart: start)
    }

    private func scalarArrayNode(at offset: Int) throws(ImageError) -> ImageScalarArrayNode {
        try check(offset, ImageFormat.scalarArrayHeaderSize, "scalar array")
        let code = try byte(at: offset + 1, "scalar array")
        guard let size = ImageFormat.elementSize(ofCode: code) else {
            throw .unexpectedNode(at: offset, expected: "element code 1 to 10", found: "\(code)")
        }
        let count = try load(UInt64.self, at: offset + 2, "scalar array")
        let distance = try load(UInt64.self, at: offset + 10, "scalar array")
        let room = UInt64(offset - ImageFormat.headerSize)
        guard distance <= room, count <= distance / UInt64(size) else {
            throw .outOfBounds(
                what: "scalar array data",
                offset: UInt64(offset) &- distance,
                byteCount: count &* UInt64(size),
                imageLength: self.count
            )
        }
        let dataStart = offset - Int(distance)
        guard dataStart % size == 0 else {
            throw .unexpectedNode(
                at: offset,
                expected: "data aligned to \(size) bytes",
                found: "data at offset \(dataStart)"
            )
        }
        return ImageScalarArrayNode(
            offset: offset,
            code: code,
            count: Int(count),
            elementSize: size,
            dataStart: dataStart
        )
    }

    /// The number of bytes from `offset` to the end (zero past the end).
    @inline(__always)
    func count(after offset: Int) -> Int { max(0, count - offset) }
}
