/// A keyed container node: `count` key ids, then `count` distances back to the children.
struct ImageKeyedNode {
    let offset: Int
    let count: Int
    let keyCode: UInt8
    let keysStart: Int
    let distanceCode: UInt8
    let distancesStart: Int

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
