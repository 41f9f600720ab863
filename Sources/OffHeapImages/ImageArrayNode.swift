/// An array node: `count` distances back to the elements' nodes.
struct ImageArrayNode {
    let offset: Int
    let count: Int
    let distanceCode: UInt8
    let distancesStart: Int

    /// The offset of element `index`'s node.
    /// - Precondition: `0 <= index < count` (the caller's check).
    @inline(__always)
    func child(_ index: Int, in bytes: ImageBytes) throws(ImageError) -> Int {
        let distance = bytes.uncheckedUnsigned(
            widthCode: distanceCode,
            at: distancesStart + index * ImageFormat.width(ofCode: distanceCode)
        )
        return try ImageBytes.childOffset(parent: offset, distance: distance)
    }
}
