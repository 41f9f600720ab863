/// The 64-byte header at the start of every image.
struct ImageHeader {
    var fingerprint: UInt64
    var root: Int
    var length: Int
    var keyTable: Int

    /// The checksum over the header's first 56 bytes.
    static func checksum(of bytes: UnsafeRawBufferPointer) -> UInt64 {
        ImageFormat.fnv1a(UnsafeRawBufferPointer(rebasing: bytes[0..<ImageFormat.Header.checksum]))
    }

    /// Writes the header into the first 64 bytes of `bytes`.
    func write(to bytes: UnsafeMutableRawBufferPointer) {
        typealias Field = ImageFormat.Header
        bytes.storeBytes(of: ImageFormat.magic.littleEndian, toByteOffset: Field.magic, as: UInt64.self)
        bytes.storeBytes(of: ImageFormat.version.littleEndian, toByteOffset: Field.version, as: UInt32.self)
        // The marker is stored in the writer's own byte order, on purpose.
        bytes.storeBytes(of: ImageFormat.endianMarker, toByteOffset: Field.endianness, as: UInt32.self)
        bytes.storeBytes(of: fingerprint.littleEndian, toByteOffset: Field.fingerprint, as: UInt64.self)
        bytes.storeBytes(of: UInt64(root).littleEndian, toByteOffset: Field.root, as: UInt64.self)
        bytes.storeBytes(of: UInt64(length).littleEndian, toByteOffset: Field.length, as: UInt64.self)
        bytes.storeBytes(of: UInt64(keyTable).littleEndian, toByteOffset: Field.keyTable, as: UInt64.self)
        bytes.storeBytes(of: UInt64(0), toByteOffset: Field.reserved, as: UInt64.self)
        let sum = Self.checksum(of: UnsafeRawBufferPointer(bytes))
        bytes.storeBytes(of: sum.littleEndian, toByteOffset: Field.checksum, as: UInt64.self)
    }

    /// Reads and checks the header of `bytes`: magic, version, byte order, length, type, root and
    /// key table references, reserved field and checksum, in that order. O(1).
    ///
    /// - Parameters:
    ///   - expectedFingerprint: The fingerprint of the type the image is opened as.
    ///   - typeName: That type's name, for the error.
    static func read(
        from bytes: ImageBytes,
        expectedFingerprint: UInt64,
        typeName: String
    ) throws(ImageError) -> ImageHeader {
        typealias Field = ImageFormat.Header
        guard bytes.count >= ImageFormat.headerSize else {
            throw .truncated(expectedAtLeast: ImageFormat.headerSize, found: bytes.count)
        }
        let magic = try bytes.load(UInt64.self, at: Field.magic, "header")
        guard magic == ImageFormat.magic else { throw .badMagic(expected: ImageFormat.magic, found: magic) }
        let version = try bytes.load(UInt32.self, at: Field.version, "header")
        guard version == ImageFormat.version else {
            throw .unsupportedVersion(expected: ImageFormat.version, found: version)
        }
        // Safe: the header's 64 bytes were checked above; the marker is read in native order.
        let marker = bytes.base.loadUnaligned(fromByteOffset: Field.endianness, as: UInt32.self)
        guard marker == ImageFormat.endianMarker else {
            throw .wrongEndianness(expected: ImageFormat.endianMarker, found: marker)
        }
        let length = try bytes.load(UInt64.self, at: Field.length, "header")
        guard length == UInt64(bytes.count) else {
            if length > UInt64(bytes.count) {
                throw .truncated(expectedAtLeast: Int(clamping: length), found: bytes.count)
            }
            throw .lengthMismatch(recorded: length, actual: bytes.count)
        }
        let fingerprint = try bytes.load(UInt64.self, at: Field.fingerprint, "header")
        guard fingerprint == expectedFingerprint else {
            throw .wrongType(
                expected: typeName,
                expectedFingerprint: expectedFingerprint,
                foundFingerprint: fingerprint
            )
        }
        let root = try bytes.load(UInt64.self, at: Field.root, "header")
        guard root >= UInt64(ImageFormat.headerSize), root < length else {
            throw .badHeaderField(name: "root", expected: "an offset from 64 to \(length - 1)", found: root)
        }
        let keyTable = try bytes.load(UInt64.self, at: Field.keyTable, "header")
        guard keyTable >= UInt64(ImageFormat.headerSize), keyTable < length else {
            throw .badHeaderField(name: "keyTable", expected: "an offset from 64 to \(length - 1)", found: keyTable)
        }
        let reserved = try bytes.load(UInt64.self, at: Field.reserved, "header")
        guard reserved == 0 else { throw .badHeaderField(name: "reserved", expected: "0", found: reserved) }
        let stored = try bytes.load(UInt64.self, at: Field.checksum, "header")
        let computed = checksum(of: bytes.uncheckedBuffer(0, ImageFormat.headerSize))
        guard stored == computed else { throw .badHeaderChecksum(expected: computed, found: stored) }
        return ImageHeader(fingerprint: fingerprint, root: Int(root), length: Int(length), keyTable: Int(keyTable))
    }
}
