/// Where the UTF-8 of the first key ids lies in an image: a plain view (pointers and counts) of
/// the ranges ``ImageKeys`` resolved and checked once, which a decoding pass copies so that
/// matching a field name touches no reference counts.
///
/// The view does not own its memory: ``ImageKeys`` allocates it and frees it in its deinit, and
/// whoever holds a view holds (through ``ImageSource``) the keys too.
struct ImageKeyRanges {
    let bytes: ImageBytes
    /// `count` starts, then `count` lengths; a start of -1 marks a damaged key.
    let table: UnsafePointer<Int>?
    /// How many key ids have a range here.
    let count: Int

    init(bytes: ImageBytes, table: UnsafePointer<Int>?, count: Int) {
        self.bytes = bytes
        self.table = table
        self.count = count
    }

    /// The UTF-8 of key `id`, or nil when the id has no checked range here (past the cached ids,
    /// or damaged: the caller then reads the key table, which throws what is wrong).
    @inline(__always)
    func utf8(ofKey id: UInt64) -> UnsafeRawBufferPointer? {
        guard id < UInt64(count), let table else { return nil }
        // Safe: `id < count`, and the table holds 2 * count entries while the keys live.
        let start = table[Int(id)]
        guard start >= 0 else { return nil }
        // Safe: the range was checked against the image when the key table was parsed.
        return bytes.uncheckedBuffer(start, table[count + Int(id)])
    }
}
