extension ImageWriter {
    /// Makes room for `byteCount` more bytes.
    @inline(__always)
    func reserve(_ byteCount: Int) throws(ImageError) {
        if byteCount > capacity - count { try grow(toHold: count + byteCount) }
    }

    private func grow(toHold needed: Int) throws(ImageError) {
        let newCapacity = max(needed, capacity * 2)
        do {
            buffer = try allocator.reallocate(buffer!, byteCount: newCapacity, alignment: 16)
        } catch {
            throw .allocationFailed(error)
        }
        capacity = newCapacity
    }

    /// Stores `value` little-endian at the end; room must have been reserved.
    @inline(__always)
    func put<T: FixedWidthInteger>(_ value: T) {
        // Safe: the caller reserved the room; storeBytes allows any alignment.
        buffer.unsafelyUnwrapped.storeBytes(of: value.littleEndian, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    /// Stores the low `1 << code` bytes of `value` at the end; room must have been reserved.
    @inline(__always)
    func put(_ value: UInt64, widthCode code: UInt8) {
        switch code {
        case 0: put(UInt8(truncatingIfNeeded: value))
        case 1: put(UInt16(truncatingIfNeeded: value))
        case 2: put(UInt32(truncatingIfNeeded: value))
        default: put(value)
        }
    }

    /// Pads with zeros to a multiple of `alignment`.
    func align(to alignment: Int) throws(ImageError) {
        let padding = (alignment - count % alignment) % alignment
        try reserve(padding)
        for _ in 0..<padding { put(UInt8(0)) }
    }

    // MARK: Scalar nodes. Each returns the new node's offset.

    func writeNil() throws(ImageError) -> Int {
        try reserve(1)
        let at = count
        put(ImageFormat.Tag.null)
        return at
    }

    func writeBool(_ value: Bool) throws(ImageError) -> Int {
        try reserve(1)
        let at = count
        put(value ? ImageFormat.Tag.trueValue : ImageFormat.Tag.falseValue)
        return at
    }

    func writeSigned(_ value: Int64) throws(ImageError) -> Int {
        try reserve(9)
        let at = count
        let code = ImageFormat.widthCode(forSigned: value)
        put(ImageFormat.Tag.signed | code)
        put(UInt64(bitPattern: value), widthCode: code)
        return at
    }

    func writeUnsigned(_ value: UInt64) throws(ImageError) -> Int {
        try reserve(9)
        let at = count
        let code = ImageFormat.widthCode(for: value)
        put(ImageFormat.Tag.unsigned | code)
        put(value, widthCode: code)
        return at
    }

    func writeFloat(_ value: Float) throws(ImageError) -> Int {
        try reserve(5)
        let at = count
        put(ImageFormat.Tag.float32)
        put(value.bitPattern)
        return at
    }

    func writeDouble(_ value: Double) throws(ImageError) -> Int {
        try reserve(9)
        let at = count
        put(ImageFormat.Tag.float64)
        put(value.bitPattern)
        return at
    }

    func writeString(_ value: String) throws(ImageError) -> Int {
        let length = value.utf8.count
        let code = ImageFormat.widthCode(for: UInt64(length))
        try reserve(1 + ImageFormat.width(ofCode: code) + length)
        let at = count
        put(ImageFormat.Tag.string | code)
        put(UInt64(length), widthCode: code)
        var value = value
        value.withUTF8 { utf8 in
            guard let source = utf8.baseAddress else { return }
            // Safe: the room was reserved (a string's UTF-8 count does not change when it is
            // made contiguous) and the source is a separate buffer.
            (buffer.unsafelyUnwrapped + count).copyMemory(from: source, byteCount: utf8.count)
        }
        count += length
        return at
    }

    /// The id of `key`, interning it (and writing its string node) on first use.
    /// - Parameter position: The field's position in its container, for the recent-key cache.
    @inline(__always)
    func keyID(_ key: some CodingKey, position: Int) throws(ImageError) -> UInt32 {
        let name = key.stringValue
        if position < recentKeys.count, recentKeys[position].name == name { return recentKeys[position].id }
        let id: UInt32
        if let known = keyIDs[name] {
            id = known
        } else {
            id = UInt32(keyOffsets.count)
            keyOffsets.append(try writeString(name))
            keyIDs[name] = id
        }
        if position < recentKeys.count {
            recentKeys[position] = (name, id)
        } else if position == recentKeys.count && position < 32 {
            recentKeys.append((name, id))
        }
        return id
    }
}
