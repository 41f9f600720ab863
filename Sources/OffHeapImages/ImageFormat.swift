/// The constants of the image format (version 1). The DocC article <doc:ImageFormat>
/// describes the same layout in prose; keep the two in step.
///
/// Every multi-byte number is little-endian and may sit at any address (it is read with
/// `loadUnaligned`), except the elements of a scalar array, which are aligned to their size.
enum ImageFormat {
    /// The first eight bytes: "SHIMG", a zero, CR, LF (the CR-LF catches text-mode copies).
    static let magic: UInt64 = 0x0A0D_0047_4D49_4853
    /// The format version this code writes and reads.
    static let version: UInt32 = 1
    /// Written in the writer's byte order; a reader of the other order sees 0x0D0C0B0A.
    static let endianMarker: UInt32 = 0x0A0B_0C0D
    /// The size of the header; no node starts before it.
    static let headerSize = 64

    /// Byte offsets of the header fields.
    enum Header {
        static let magic = 0
        static let version = 8
        static let endianness = 12
        static let fingerprint = 16
        static let root = 24
        static let length = 32
        static let keyTable = 40
        static let reserved = 48
        static let checksum = 56
    }

    /// Node tags (the first byte of every node).
    enum Tag {
        static let null: UInt8 = 0x01
        static let falseValue: UInt8 = 0x02
        static let trueValue: UInt8 = 0x03
        /// Signed integer; the low two bits are the width code of the payload.
        static let signed: UInt8 = 0x10
        /// Unsigned integer; the low two bits are the width code of the payload.
        static let unsigned: UInt8 = 0x14
        static let float32: UInt8 = 0x18
        static let float64: UInt8 = 0x19
        /// String; the low two bits are the width code of the byte length that follows.
        static let string: UInt8 = 0x20
        /// Keyed container: widths byte, UInt32 count, key ids, then child distances.
        static let keyed: UInt8 = 0x30
        /// Array of nodes: width code byte, UInt64 count, then child distances.
        static let array: UInt8 = 0x40
        /// Array of fixed-width scalars: element code, UInt64 count, UInt64 distance to the data.
        static let scalarArray: UInt8 = 0x50
    }

    /// Sizes of the fixed parts of container nodes.
    static let keyedHeaderSize = 6
    static let arrayHeaderSize = 10
    static let scalarArrayHeaderSize = 18

    /// The width in bytes for a two-bit width code.
    @inline(__always)
    static func width(ofCode code: UInt8) -> Int { 1 << Int(code & 3) }

    /// The smallest width code whose width holds `value`.
    @inline(__always)
    static func widthCode(for value: UInt64) -> UInt8 {
        if value <= 0xFF { return 0 }
        if value <= 0xFFFF { return 1 }
        if value <= 0xFFFF_FFFF { return 2 }
        return 3
    }

    /// The smallest width code that holds `value` as a two's-complement number.
    @inline(__always)
    static func widthCode(forSigned value: Int64) -> UInt8 {
        if value >= -0x80 && value <= 0x7F { return 0 }
        if value >= -0x8000 && value <= 0x7FFF { return 1 }
        if value >= -0x8000_0000 && value <= 0x7FFF_FFFF { return 2 }
        return 3
    }

    /// FNV-1a, 64 bits: the fingerprint hash and the header checksum.
    static func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
