/// A keyed container node: `count` key ids, then `count` distances back to the children.
struct ImageKeyedNode {
    let offset: Int
    let count: Int
    let keyCode: UInt8
    let keysStart: Int
    let distanceCode: UInt8
    let distancesStart: Int

    /// The node at `offset` with `count` fields and the width byte `widths` (key width code in
    /// bits 2-3, distance width code in bits 0-1). Checks nothing: the caller checks the width
    /// byte and that ``tableByteCount`` bytes from ``keysStart`` lie inside the image.
    @inline(__always)
    init(offset: Int, count: Int, widths: UInt8) {
        self.offset = offset
        self.count = count
        keyCode = (widths >> 2) & 3
        distanceCode = widths & 3
        keysStart = offset + ImageFormat.keyedHeaderSize
        distancesStart = keysStart + count * ImageFormat.width(ofCode: keyCode)
    }

    /// The bytes of the key ids and distances together. `count < 2^32` and an entry is at most
    /// 16 bytes, so this cannot overflow.
    var tableByteCount: Int {
        count * (ImageFormat.width(ofCode: keyCode) + ImageFormat.width(ofCode: distanceCode))
    }

    /// The key id of field `index` (its range was checked when the node was parsed).
    @inline(__always)
    func keyID(_ index: Int, in bytes: ImageBytes) -> UInt64 {
        bytes.uncheckedUnsigned(widthCode: keyCode, at: keysStart + index * ImageFormat.width(ofCode: keyCode))
    }

    /// The offset of field `index`'s value.
    @inline(__always)
    func child(_ index: Int, in bytes: ImageBytes) throws(ImageError) -> Int {
        let distance = bytes.uncheckedUnsigned(
            widthCode: distanceCode,
            at: distancesStart + index * ImageFormat.width(ofCode: distanceCode)
        )
        return try ImageBytes.childOffset(parent: offset, distance: distance)
    }
}
