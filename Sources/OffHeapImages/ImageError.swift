import ShardedHeap

/// Why an image could not be made, written, opened or read. Every case names what was expected
/// and what was found.
///
/// A damaged image (truncated, corrupted, of another format version or of another type) always
/// gives one of these errors, never a crash or a read outside the image. Decoding can also throw
/// the standard `DecodingError` (a missing key, a stored number that does not fit the requested
/// type), and copying passes on any error the value's own `encode(to:)` throws.
public enum ImageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The image has fewer bytes than its header says, or than a header needs.
    case truncated(expectedAtLeast: Int, found: Int)
    /// The first eight bytes are not the image magic.
    case badMagic(expected: UInt64, found: UInt64)
    /// The image was written by another format version.
    case unsupportedVersion(expected: UInt32, found: UInt32)
    /// The image was written on a machine of the other byte order.
    case wrongEndianness(expected: UInt32, found: UInt32)
    /// The image holds another type than the one it is opened as.
    case wrongType(expected: String, expectedFingerprint: UInt64, foundFingerprint: UInt64)
    /// The length recorded in the header differs from the image's size.
    case lengthMismatch(recorded: UInt64, actual: Int)
    /// The header's checksum does not match its contents.
    case badHeaderChecksum(expected: UInt64, found: UInt64)
    /// A header field other than the checksum holds a value it may not have.
    case badHeaderField(name: String, expected: String, found: UInt64)
    /// A node, or a range of bytes it refers to, lies outside the image.
    case outOfBounds(what: String, offset: UInt64, byteCount: UInt64, imageLength: Int)
    /// A reference to a child does not point before its parent and after the header.
    case badReference(at: Int, distance: UInt64)
    /// The byte at `offset` is not a tag of the kind expected there.
    case unexpectedNode(at: Int, expected: String, found: String)
    /// A string's bytes are not valid UTF-8.
    case invalidUTF8(at: Int)
    /// A keyed node names a key the key table does not have.
    case badKeyID(at: Int, keyID: UInt64, keyCount: Int)
    /// A scalar array was read as a `Span` of another element type.
    case elementTypeMismatch(at: Int, expected: String, found: String)
    /// A value nests containers deeper than the limit (``OffHeap/maximumDepth``).
    case tooDeep(limit: Int)
    /// Reading visited more nodes than the image has bytes: the image shares nodes between
    /// parents, which the writer never does.
    case tooManyNodes(limit: Int)
    /// ``OffHeapImage/validate()`` found a node with two parents (the writer never shares nodes).
    case sharedNode(at: Int)
    /// The memory for the image could not be had.
    case allocationFailed(AllocationError)
    /// A system call on a file failed.
    case fileError(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .truncated(let expected, let found):
            "image truncated: expected at least \(expected) bytes, found \(found)"
        case .badMagic(let expected, let found):
            "not an image: expected magic 0x\(hex(expected)), found 0x\(hex(found))"
        case .unsupportedVersion(let expected, let found):
            "unsupported image format version: expected \(expected), found \(found)"
        case .wrongEndianness(let expected, let found):
            "image has the other byte order: expected marker 0x\(hex(UInt64(expected))), found 0x\(hex(UInt64(found)))"
        case .wrongType(let expected, let expectedFingerprint, let foundFingerprint):
            "image holds another type: expected \(expected) (fingerprint 0x\(hex(expectedFingerprint))), found fingerprint 0x\(hex(foundFingerprint))"
        case .lengthMismatch(let recorded, let actual):
            "image length mismatch: the header records \(recorded) bytes, found \(actual)"
        case .badHeaderChecksum(let expected, let found):
            "image header checksum mismatch: expected 0x\(hex(expected)), found 0x\(hex(found))"
        case .badHeaderField(let name, let expected, let found):
            "bad image header field \(name): expected \(expected), found \(found)"
        case .outOfBounds(let what, let offset, let byteCount, let imageLength):
            "\(what) out of bounds: \(byteCount) bytes at offset \(offset), image has \(imageLength) bytes"
        case .badReference(let at, let distance):
            "bad child reference in the node at offset \(at): expected a distance from 1 to \(at - ImageFormat.headerSize), found \(distance)"
        case .unexpectedNode(let at, let expected, let found):
            "unexpected node at offset \(at): expected \(expected), found \(found)"
        case .invalidUTF8(let at):
            "the string at offset \(at) is not valid UTF-8"
        case .badKeyID(let at, let keyID, let keyCount):
            "bad key id in the node at offset \(at): expected less than \(keyCount), found \(keyID)"
        case .elementTypeMismatch(let at, let expected, let found):
            "scalar array at offset \(at) holds \(found), expected \(expected)"
        case .tooDeep(let limit):
            "value nests deeper than the limit of \(limit) containers"
        case .tooManyNodes(let limit):
            "reading visited more than \(limit) nodes: the image shares nodes between parents"
        case .sharedNode(let at):
            "the node at offset \(at) has more than one parent: expected a tree"
        case .allocationFailed(let error):
            "cannot allocate the image: \(error)"
        case .fileError(let operation, let path, let errno):
            "\(operation) failed for \(path): errno \(errno)"
        }
    }
}

private func hex(_ value: UInt64) -> String {
    String(value, radix: 16, uppercase: true)
}
