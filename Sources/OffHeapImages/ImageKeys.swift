#if canImport(Glibc)
import Glibc
#endif

/// The key table of an image (an array of string nodes, indexed by key id) and lookups in it.
///
/// Made once per image (``ImageSource/keys``) and never changed afterwards. Making it never
/// throws: a damaged table is remembered and reported by every pass that needs it, as if it were
/// parsed then. The UTF-8 ranges of the first ``cachedCount`` keys are resolved and checked up
/// front, so matching a field is a length compare and a `memcmp`; a key whose node is damaged,
/// or whose id is past the cache, takes the uncached path, which throws the same errors reading
/// the table each time always did.
final class ImageKeys {
    /// How many key ids are resolved up front: structs and enums use the first few ids; only
    /// dictionaries with many string keys have more, and those are looked up through an index.
    static let cachedCount = 1_024

    let bytes: ImageBytes
    private let parsedTable: Result<ImageArrayNode, ImageError>
    /// Whether the table itself is damaged (then ``table`` throws). A plain flag, so a pass can
    /// check it without copying the result.
    let isDamaged: Bool
    /// The checked UTF-8 ranges of the first key ids, in memory this object allocates and frees.
    let ranges: ImageKeyRanges

    init(bytes: ImageBytes, tableOffset: Int) {
        self.bytes = bytes
        do throws(ImageError) {
            let table = try bytes.arrayNode(at: tableOffset)
            parsedTable = .success(table)
            isDamaged = false
            let cached = min(table.count, Self.cachedCount)
            // Starts, then lengths; freed in deinit.
            let entries = UnsafeMutablePointer<Int>.allocate(capacity: max(2 * cached, 1))
            for id in 0..<cached {
                // Safe (both): `id` and `cached + id` are below the 2 * cached entries allocated.
                if let offset = try? table.child(id, in: bytes),
                    case .string(let start, let count)? = try? bytes.node(at: offset)
                {
                    (entries + id).initialize(to: start)
                    (entries + cached + id).initialize(to: count)
                } else {
                    (entries + id).initialize(to: -1)
                    (entries + cached + id).initialize(to: 0)
                }
            }
            ranges = ImageKeyRanges(bytes: bytes, table: UnsafePointer(entries), count: cached)
        } catch {
            parsedTable = .failure(error)
            isDamaged = true
            ranges = ImageKeyRanges(bytes: bytes, table: nil, count: 0)
        }
    }

    deinit {
        guard let table = ranges.table else { return }
        // Safe: allocated in init for exactly this object; no view outlives it (views are used
        // only by passes, which hold the image source, which holds this object).
        UnsafeMutablePointer(mutating: table).deallocate()
    }

    /// The parsed table node.
    /// - Throws: The error parsing it gave, when the key table is damaged.
    var table: ImageArrayNode {
        get throws(ImageError) { try parsedTable.get() }
    }

    /// Throws what is wrong with the key table when it is damaged, as parsing it used to; does
    /// nothing otherwise.
    @inline(__always)
    func checkIntact() throws(ImageError) {
        if isDamaged { _ = try table }
    }

    /// The UTF-8 bytes of key `id`, as used by `keyed`.
    @inline(__always)
    func bytes(ofKey id: UInt64, in keyed: ImageKeyedNode) throws(ImageError) -> UnsafeRawBufferPointer {
        if let utf8 = ranges.utf8(ofKey: id) { return utf8 }
        return try uncachedBytes(ofKey: id, in: keyed)
    }

    /// The UTF-8 bytes of key `id`, read from the table: for ids past the cache, and for damaged
    /// keys (to throw what is wrong with them).
    private func uncachedBytes(
        ofKey id: UInt64,
        in keyed: ImageKeyedNode
    ) throws(ImageError) -> UnsafeRawBufferPointer {
        let table = try self.table
        guard id < UInt64(table.count) else {
            throw .badKeyID(at: keyed.offset, keyID: id, keyCount: table.count)
        }
        let offset = try table.child(Int(id), in: bytes)
        guard case .string(let start, let count) = try bytes.node(at: offset) else {
            throw .unexpectedNode(at: offset, expected: "String (a key)", found: "another node")
        }
        return bytes.uncheckedBuffer(start, count)
    }

    /// Key `id` as a string.
    func string(ofKey id: UInt64, in keyed: ImageKeyedNode) throws(ImageError) -> String {
        guard let string = ImageBytes.string(validating: try bytes(ofKey: id, in: keyed)) else {
            throw .invalidUTF8(at: keyed.offset)
        }
        return string
    }

    /// The name of field `field` of `keyed`.
    func name(ofField field: Int, in keyed: ImageKeyedNode) throws(ImageError) -> String {
        try string(ofKey: keyed.keyID(field, in: bytes), in: keyed)
    }

    /// The index of the first field named `name` in `keyed`, or nil. O(fields).
    func field(named name: String, in keyed: ImageKeyedNode) throws(ImageError) -> Int? {
        for field in 0..<keyed.count where try self.field(field, of: keyed, isNamed: name) {
            return field
        }
        return nil
    }

    /// Whether field `field` of `keyed` is named `name`.
    @inline(__always)
    func field(_ field: Int, of keyed: ImageKeyedNode, isNamed name: String) throws(ImageError) -> Bool {
        let raw = try bytes(ofKey: keyed.keyID(field, in: bytes), in: keyed)
        var name = name
        return name.withUTF8 { Self.equal(raw, UnsafeRawBufferPointer($0)) }
    }

    /// Whether two byte ranges hold the same bytes.
    @inline(__always)
    static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard let a = left.baseAddress, let b = right.baseAddress else { return true }
        // Safe: both ranges are `count` bytes long and readable (checked image bytes, or a
        // string's UTF-8 borrowed for this call).
        return memcmp(a, b, left.count) == 0
    }
}

// @unchecked: every property is set in init and never changed; the bytes it points into are the
// image's, which never change and which the owning ImageSource keeps alive.
extension ImageKeys: @unchecked Sendable {}
