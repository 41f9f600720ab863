/// The state of one decoding pass over an image (one `get()`, one element, one cursor decode):
/// the bytes, the key table, the coding path, the nesting depth and the visit budget.
///
/// The budget is the image's length: a well-formed image has fewer nodes than bytes and each is
/// decoded once, so a pass that visits more has found nodes shared between parents (which only
/// a crafted file has) and stops instead of taking exponential time.
///
/// Making one is cheap: the key table is parsed once per image (``ImageSource/keys``), so a
/// pass costs one small allocation. The coding path holds only the keys of the containers being
/// decoded (the keys of scalar fields are never added), and is read only to report an error.
///
/// One thread uses a state, for one pass; so its mutable properties are
/// `@exclusivity(unchecked)` (no access to one of them overlaps another).
final class ImageReaderState {
    let source: ImageSource
    let bytes: ImageBytes
    /// Unowned: `source` holds the keys as long as it lives, and this state holds `source`; so
    /// no reference count changes per pass.
    unowned(unsafe) let keys: ImageKeys
    /// The keys' checked ranges, copied so that matching a name changes no reference counts.
    let keyRanges: ImageKeyRanges
    let maximumDepth: Int
    @exclusivity(unchecked) var path: [any CodingKey] = []
    @exclusivity(unchecked) var depth = 0
    @exclusivity(unchecked) var visits = 0
    /// The keyed node whose fields are being decoded and the field expected next: fields are
    /// usually decoded in the order they were encoded, so the guess saves a scan.
    @exclusivity(unchecked) var guessNode = -1
    @exclusivity(unchecked) var guessField = 0

    /// - Throws: What is wrong with the key table, when it is damaged (every pass reports it,
    ///   whether or not the value has keyed containers).
    init(source: ImageSource, maximumDepth: Int) throws(ImageError) {
        self.source = source
        self.bytes = source.bytes
        self.keys = source.keys
        self.keyRanges = keys.ranges
        self.maximumDepth = maximumDepth
        try keys.checkIntact()
    }

    /// Counts one visited node.
    @inline(__always)
    func visit() throws(ImageError) {
        visits += 1
        if visits > bytes.count { throw .tooManyNodes(limit: bytes.count) }
    }

    /// The node at `ref`, counted as a visit.
    @inline(__always)
    func node(_ ref: ImageNodeRef) throws(ImageError) -> ImageNode {
        try visit()
        return try bytes.node(ref)
    }

    /// A `typeMismatch` naming what was expected and what the image holds.
    func mismatch(_ type: Any.Type, expected: String, found node: ImageNode, at ref: ImageNodeRef) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            DecodingError.Context(
                codingPath: path,
                debugDescription: "expected \(expected), found \(node.kindName) at offset \(ref.offset)"
            )
        )
    }

    /// The index of the first field named `name` in `keyed`, or nil. O(1) when fields are read
    /// in stored order, O(fields) otherwise.
    @inline(__always)
    func fieldIndex(of name: String, in keyed: ImageKeyedNode) throws(ImageError) -> Int? {
        if guessNode == keyed.offset, guessField < keyed.count, try field(guessField, of: keyed, isNamed: name) {
            guessField += 1
            return guessField - 1
        }
        for field in 0..<keyed.count where try self.field(field, of: keyed, isNamed: name) {
            guessNode = keyed.offset
            guessField = field + 1
            return field
        }
        return nil
    }

    /// Whether field `field` of `keyed` is named `name` (compared byte for byte).
    @inline(__always)
    func field(_ field: Int, of keyed: ImageKeyedNode, isNamed name: String) throws(ImageError) -> Bool {
        let id = keyed.keyID(field, in: bytes)
        let key: UnsafeRawBufferPointer
        if let cached = keyRanges.utf8(ofKey: id) {
            key = cached
        } else {
            key = try keys.bytes(ofKey: id, in: keyed)
        }
        var name = name
        return name.withUTF8 { ImageKeys.equal(key, UnsafeRawBufferPointer($0)) }
    }
}
