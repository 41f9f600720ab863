/// The state of one decoding pass over an image (one `get()`, one element, one cursor decode):
/// the bytes, the key table, the coding path, the nesting depth and the visit budget.
///
/// The budget is the image's length: a well-formed image has fewer nodes than bytes and each is
/// decoded once, so a pass that visits more has found nodes shared between parents (which only
/// a crafted file has) and stops instead of taking exponential time.
///
/// Making one is cheap: the key table is parsed once per image (``ImageSource/keys``), and a
/// state whose pass left no reference to it behind is parked in its source and reused by the
/// next pass (``ImageSource/withPass(_:)``), so a pass usually allocates nothing. The coding
/// path holds only the keys of the containers being decoded (the keys of scalar fields are never
/// added), and is read only to report an error.
///
/// One thread uses a state, for one pass; so its mutable properties are
/// `@exclusivity(unchecked)` (no access to one of them overlaps another).
final class ImageReaderState {
    /// Keeps the bytes alive after the pass for a container or decoder that escaped it (set when
    /// the pass ends and something else still holds this state). Nil during a pass, whose
    /// caller holds the source, and while parked in the source (which then holds this state: a
    /// strong reference back would be a cycle).
    @exclusivity(unchecked) private(set) var owner: ImageSource?
    let bytes: ImageBytes
    /// Unowned: the source holds the keys as long as it lives, and it lives as long as this
    /// state: the state holds it while in use, and it holds the state while parked. So no
    /// reference count changes per pass.
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
    /// Key ids and the names that matched them (see ``field(_:of:isNamed:)``), by the id's low
    /// bits; an id of `UInt64.max` marks an empty slot (no key table has that many keys).
    @exclusivity(unchecked) private var matchedIDs = [UInt64](repeating: .max, count: matchSlots)
    @exclusivity(unchecked) private var matchedNames = [String](repeating: "", count: matchSlots)
    static let matchSlots = 8
    /// The field dictionaries of the large keyed containers (``largeContainer``) of this pass,
    /// by node offset. At most ``fieldIndexLimit``: when full, all are dropped (and rebuilt when
    /// a container uses its dictionary again), so a pass over many large containers holds only a
    /// few dictionaries at a time.
    @exclusivity(unchecked) private var fieldIndexes: [Int: [String: Int]] = [:]
    /// Containers of more fields than this find fields through a dictionary.
    static let largeContainer = 16
    static let fieldIndexLimit = 64
    /// Where an element read stores the byte it loads early (``ImageBytes/lineBefore(_:)``);
    /// never read.
    @exclusivity(unchecked) var earlyLoad: UInt8 = 0

    /// - Throws: What is wrong with the key table, when it is damaged (every pass reports it,
    ///   whether or not the value has keyed containers).
    init(source: ImageSource, maximumDepth: Int) throws(ImageError) {
        self.bytes = source.bytes
        self.keys = source.keys
        self.keyRanges = keys.ranges
        self.maximumDepth = maximumDepth
        try keys.checkIntact()
    }

    /// Keeps `source` alive for as long as this state lives: for a state that something still
    /// holds when its pass ends.
    func keep(_ source: ImageSource) {
        owner = source
    }

    /// Forgets the pass that just ended, so that the state can be parked: the coding path and
    /// the depth are back to empty and zero (every step that adds to them takes its addition back,
    /// also when it throws), so only the counters and the kept dictionaries are reset.
    @inline(__always)
    func suspend() {
        if !fieldIndexes.isEmpty { fieldIndexes = [:] }
        visits = 0
        guessNode = -1
        guessField = 0
    }

    /// Whether the state is as a new one is (for parking: a pass that ended with the path or the
    /// depth not back to empty is not reused).
    var isAtRest: Bool { depth == 0 && path.isEmpty }

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

    /// Builds the field dictionary of the large container `keyed`, unless it is kept already.
    /// - Throws: What is wrong with a key of `keyed`, when one is damaged.
    func prepareFieldIndex(of keyed: ImageKeyedNode) throws(ImageError) {
        guard fieldIndexes[keyed.offset] == nil else { return }
        if fieldIndexes.count >= Self.fieldIndexLimit { fieldIndexes.removeAll(keepingCapacity: true) }
        var index: [String: Int] = [:]
        index.reserveCapacity(keyed.count)
        for field in 0..<keyed.count {
            let name = try keys.name(ofField: field, in: keyed)
            if index[name] == nil { index[name] = field }
        }
        fieldIndexes[keyed.offset] = index
    }

    /// The index of the first field named `name` in the large container `keyed`: O(1) through
    /// its dictionary, which the container's making built (so building it again, after it was
    /// dropped, does not throw).
    func fieldIndex(of name: String, inLarge keyed: ImageKeyedNode) throws(ImageError) -> Int? {
        try prepareFieldIndex(of: keyed)
        return fieldIndexes[keyed.offset]?[name]
    }

    /// Whether field `field` of `keyed` is named `name` (compared byte for byte).
    ///
    /// A name that matched the same key id before (in this pass or an earlier one over the same
    /// image) matches again without a byte compare when it is the same string value: a
    /// `CodingKey`'s `stringValue` is usually the same literal on every call.
    @inline(__always)
    func field(_ field: Int, of keyed: ImageKeyedNode, isNamed name: String) throws(ImageError) -> Bool {
        let id = keyed.keyID(field, in: bytes)
        let slot = Int(truncatingIfNeeded: id) & (Self.matchSlots - 1)
        if matchedIDs[slot] == id, Self.sameRepresentation(matchedNames[slot], name) { return true }
        return try compare(keyID: id, slot: slot, of: keyed, with: name)
    }

    /// The byte compare of ``field(_:of:isNamed:)``; remembers a match in `slot`.
    @inline(never)
    private func compare(
        keyID id: UInt64,
        slot: Int,
        of keyed: ImageKeyedNode,
        with name: String
    ) throws(ImageError) -> Bool {
        let key: UnsafeRawBufferPointer
        if let cached = keyRanges.utf8(ofKey: id) {
            key = cached
        } else {
            key = try keys.bytes(ofKey: id, in: keyed)
        }
        var name = name
        guard name.withUTF8({ ImageKeys.equal(key, UnsafeRawBufferPointer($0)) }) else { return false }
        matchedIDs[slot] = id
        matchedNames[slot] = name
        return true
    }

    /// Whether two strings have the same representation (the same 16 bytes: the same small
    /// string, or the same count, flags and storage), which implies the same UTF-8. The cache
    /// holds the strings it compares against, so a storage address cannot be reused meanwhile.
    @inline(__always)
    static func sameRepresentation(_ left: String, _ right: String) -> Bool {
        // Safe: reads the two words of each string's representation as plain integers; no string
        // is made from them and no reference count changes.
        let a = unsafeBitCast(left, to: (UInt64, UInt64).self)
        let b = unsafeBitCast(right, to: (UInt64, UInt64).self)
        return a.0 == b.0 && a.1 == b.1
    }
}
