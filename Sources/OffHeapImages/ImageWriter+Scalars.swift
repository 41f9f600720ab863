extension ImageWriter {
    /// Writes `value` as a scalar node when `T` is a standard scalar type or `String`; nil for
    /// any other type.
    ///
    /// The type tests compare metadata, which is cheaper than a dynamic cast.
    @inline(__always)
    func writeScalar<T: Encodable>(_ value: T) throws(ImageError) -> Int? {
        // Safe (every unsafeBitCast below): each runs only when T is exactly the target type.
        if T.self == String.self { return try writeString(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return try writeSigned(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Double.self { return try writeDouble(unsafeBitCast(value, to: Double.self)) }
        if T.self == Bool.self { return try writeBool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Int64.self { return try writeSigned(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Int32.self { return try writeSigned(Int64(unsafeBitCast(value, to: Int32.self))) }
        if T.self == Int16.self { return try writeSigned(Int64(unsafeBitCast(value, to: Int16.self))) }
        if T.self == Int8.self { return try writeSigned(Int64(unsafeBitCast(value, to: Int8.self))) }
        if T.self == UInt.self { return try writeUnsigned(UInt64(unsafeBitCast(value, to: UInt.self))) }
        if T.self == UInt64.self { return try writeUnsigned(unsafeBitCast(value, to: UInt64.self)) }
        if T.self == UInt32.self { return try writeUnsigned(UInt64(unsafeBitCast(value, to: UInt32.self))) }
        if T.self == UInt16.self { return try writeUnsigned(UInt64(unsafeBitCast(value, to: UInt16.self))) }
        if T.self == UInt8.self { return try writeUnsigned(UInt64(unsafeBitCast(value, to: UInt8.self))) }
        if T.self == Float.self { return try writeFloat(unsafeBitCast(value, to: Float.self)) }
        return nil
    }

    /// The scalar-array element code of `T`, or 0 when arrays of `T` are not packed.
    @inline(__always)
    static func elementCode<T>(of type: T.Type) -> UInt8 {
        if T.self == Int.self || T.self == Int64.self { return 4 }
        if T.self == Double.self { return 10 }
        if T.self == UInt8.self { return 5 }
        if T.self == Int32.self { return 3 }
        if T.self == UInt.self || T.self == UInt64.self { return 8 }
        if T.self == UInt32.self { return 7 }
        if T.self == Float.self { return 9 }
        if T.self == Int16.self { return 2 }
        if T.self == UInt16.self { return 6 }
        if T.self == Int8.self { return 1 }
        return 0
    }

    /// Appends a number to an unkeyed frame: packed while every element so far is a number of
    /// the same type written back to back; as a node otherwise.
    @inline(__always)
    func appendElement<T: Encodable>(_ value: T, code: UInt8, to id: Int) throws(ImageError) {
        let size = MemoryLayout<T>.size
        if frames[id].targets.isEmpty {
            if frames[id].elementCode == 0 {
                try align(to: size)
                frames[id].elementCode = code
                frames[id].dataStart = count
            }
            if frames[id].elementCode == code && count == frames[id].dataStart + frames[id].elementCount * size {
                try reserve(size)
                // Safe: the room was reserved; the data start is aligned to `size` and so is
                // every element after it. The store is in native byte order, as the header
                // records.
                buffer.unsafelyUnwrapped.storeBytes(of: value, toByteOffset: count, as: T.self)
                count += size
                frames[id].elementCount += 1
                return
            }
        }
        try add(element: try writeScalar(value)!, to: id)
    }

    /// Turns a frame's packed numbers into scalar nodes (an array that mixes types, nils or
    /// non-contiguous writes). Reclaims the packed bytes when they are still at the end.
    func unpack(_ id: Int) throws(ImageError) {
        let frame = frames[id]
        guard let size = ImageFormat.elementSize(ofCode: frame.elementCode), frame.elementCount > 0 else {
            frames[id].elementCode = 0
            return
        }
        let byteCount = frame.elementCount * size
        var saved = [UInt64](repeating: 0, count: (byteCount + 7) / 8)
        saved.withUnsafeMutableBytes { target in
            // Safe: the packed range lies inside the written part of the buffer; `saved` holds
            // at least `byteCount` bytes.
            target.baseAddress!.copyMemory(from: buffer.unsafelyUnwrapped + frame.dataStart, byteCount: byteCount)
        }
        if count == frame.dataStart + byteCount { count = frame.dataStart }
        frames[id].elementCode = 0
        frames[id].elementCount = 0
        let packed = ImageScalarArrayNode(
            offset: 0,
            code: frame.elementCode,
            count: frame.elementCount,
            elementSize: size,
            dataStart: 0
        )
        let values = saved.withUnsafeBytes { raw in
            let view = ImageBytes(base: raw.baseAddress!, count: raw.count)
            return (0..<frame.elementCount).map { packed.element($0, in: view) }
        }
        for value in values {
            let offset: Int
            switch value {
            case .signed(let number): offset = try writeSigned(number)
            case .unsigned(let number): offset = try writeUnsigned(number)
            case .float(let number): offset = try writeFloat(number)
            case .double(let number): offset = try writeDouble(number)
            default: fatalError("unreachable: scalar arrays hold numbers")
            }
            frames[id].targets.append(offset)
        }
    }
}
