/// A bounds-checked view of an image's bytes: every load checks its range against the image
/// before touching memory.
///
/// The view does not keep the bytes alive; whoever makes one holds the ``ImageStorage``.
struct ImageBytes {
    let base: UnsafeRawPointer
    let count: Int

    /// Throws unless `byteCount` bytes at `offset` lie inside the image.
    @inline(__always)
    func check(_ offset: Int, _ byteCount: Int, _ what: @autoclosure () -> String) throws(ImageError) {
        guard offset >= 0, byteCount >= 0, offset <= count, byteCount <= count - offset else {
            throw .outOfBounds(
                what: what(),
                offset: UInt64(bitPattern: Int64(offset)),
                byteCount: UInt64(bitPattern: Int64(byteCount)),
                imageLength: count
            )
        }
    }

    /// The byte at `offset`.
    @inline(__always)
    func byte(at offset: Int, _ what: @autoclosure () -> String) throws(ImageError) -> UInt8 {
        try check(offset, 1, what())
        // Safe: the byte was just checked to lie inside the image.
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// A little-endian integer at `offset`, at any alignment.
    @inline(__always)
    func load<T: FixedWidthInteger>(
        _ type: T.Type,
        at offset: Int,
        _ what: @autoclosure () -> String
    ) throws(ImageError) -> T {
        try check(offset, MemoryLayout<T>.size, what())
        // Safe: the range was just checked to lie inside the image; the load is unaligned.
        return T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// An unsigned number of width code `code` at `offset`, whose range the caller has checked.
    @inline(__always)
    func uncheckedUnsigned(widthCode code: UInt8, at offset: Int) -> UInt64 {
        // Safe (all four): the caller checked that the whole table holding this number lies
        // inside the image; the loads are unaligned.
        switch code & 3 {
        case 0: return UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
        case 1: return UInt64(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case 2: return UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        default: return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
    }

    /// An unsigned number of width code `code` at `offset`, checked.
    @inline(__always)
    func unsigned(widthCode code: UInt8, at offset: Int, _ what: @autoclosure () -> String) throws(ImageError) -> UInt64
    {
        try check(offset, ImageFormat.width(ofCode: code), what())
        return uncheckedUnsigned(widthCode: code, at: offset)
    }

    /// A sign-extended number of width code `code` at `offset`, checked.
    @inline(__always)
    func signed(widthCode code: UInt8, at offset: Int, _ what: @autoclosure () -> String) throws(ImageError) -> Int64 {
        let raw = try unsigned(widthCode: code, at: offset, what())
        let shift = UInt64(64 - 8 * ImageFormat.width(ofCode: code))
        return Int64(bitPattern: raw << shift) >> shift
    }

    /// The byte 56 bytes before `offset` (0 when that is before the first node), loaded only so
    /// that the memory is fetched now.
    ///
    /// Children are written just before their parent, so a small value's bytes end at its node
    /// and usually span the node's cache line and the one before. Loading both lines together
    /// lets their two cache misses overlap; otherwise the second miss waits until decoding
    /// reaches the first child. The caller must use the result (store it), or the compiler drops
    /// the load.
    @inline(__always)
    func lineBefore(_ offset: Int) -> UInt8 {
        let early = offset - 56
        guard early >= ImageFormat.headerSize, early < count else { return 0 }
        // Safe: `early` was just checked to lie inside the image.
        return base.load(fromByteOffset: early, as: UInt8.self)
    }

    /// The bytes `offset..<offset+byteCount`, which the caller has checked.
    @inline(__always)
    func uncheckedBuffer(_ offset: Int, _ byteCount: Int) -> UnsafeRawBufferPointer {
        // Safe: the caller checked the range against the image.
        UnsafeRawBufferPointer(start: base + offset, count: byteCount)
    }
}
