/// A scalar array node: `count` numbers of one type stored back to back, aligned to their size,
/// before the node.
struct ImageScalarArrayNode {
    let offset: Int
    let code: UInt8
    let count: Int
    let elementSize: Int
    let dataStart: Int

    /// Element `index` as a scalar node.
    /// - Precondition: `0 <= index < count` (the caller's check).
    @inline(__always)
    func element(_ index: Int, in bytes: ImageBytes) -> ImageNode {
        let at = dataStart + index * elementSize
        // Safe (all ten): the data's range was checked when the node was parsed, and elements are
        // aligned to their size within the image, whose base is at least 16-byte aligned.
        switch code {
        case 1: return .signed(Int64(bytes.base.load(fromByteOffset: at, as: Int8.self)))
        case 2: return .signed(Int64(Int16(littleEndian: bytes.base.load(fromByteOffset: at, as: Int16.self))))
        case 3: return .signed(Int64(Int32(littleEndian: bytes.base.load(fromByteOffset: at, as: Int32.self))))
        case 4: return .signed(Int64(littleEndian: bytes.base.load(fromByteOffset: at, as: Int64.self)))
        case 5: return .unsigned(UInt64(bytes.base.load(fromByteOffset: at, as: UInt8.self)))
        case 6: return .unsigned(UInt64(UInt16(littleEndian: bytes.base.load(fromByteOffset: at, as: UInt16.self))))
        case 7: return .unsigned(UInt64(UInt32(littleEndian: bytes.base.load(fromByteOffset: at, as: UInt32.self))))
        case 8: return .unsigned(UInt64(littleEndian: bytes.base.load(fromByteOffset: at, as: UInt64.self)))
        case 9:
            let bits = UInt32(littleEndian: bytes.base.load(fromByteOffset: at, as: UInt32.self))
            return .float(Float(bitPattern: bits))
        default:
            let bits = UInt64(littleEndian: bytes.base.load(fromByteOffset: at, as: UInt64.self))
            return .double(Double(bitPattern: bits))
        }
    }
}
