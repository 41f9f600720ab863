/// Places small requests without asking mimalloc for the usable size.
///
/// Every block is counted by its usable size, but `mi_usable_size` costs an extra call on each
/// allocation. For small requests (up to 1 KiB, mimalloc's small-object range) served by the
/// plain `mi_malloc` path, the usable size is the size class of the request, which
/// `Mimalloc.sizeClasses` read from `mi_good_size` once at load. Tests check the table against
/// `mi_usable_size` for every small size and alignment.
///
/// Alignments up to 16 use the plain path too when the size class is a multiple of the alignment
/// (mimalloc lays such blocks out on multiples of their size class). The result is still checked
/// with one mask; a misaligned block, which mimalloc does not produce today, would be freed and
/// placed again through the aligned path, so a layout change costs speed, never correctness.
@usableFromInline
enum SizeClasses {
    /// Requests up to this many bytes use the table.
    @usableFromInline static var largestSmallRequest: Int { 1024 }
    static let tableCount = 1024 / 8 + 1

    @inlinable
    @inline(__always)
    static func place(
        byteCount: Int,
        alignment: Int,
        table: UnsafePointer<Int>,
        plain: (Int) -> UnsafeMutableRawPointer?,
        aligned: (Int, Int) -> UnsafeMutableRawPointer?
    ) -> (pointer: UnsafeMutableRawPointer, usableSize: Int)? {
        if byteCount <= largestSmallRequest && alignment <= 16 {
            // Safe: byteCount is in 0...1024 (checked by the caller and above), so the index is
            // in 0..<tableCount.
            let usable = table[(byteCount &+ 7) &>> 3]
            if usable & (alignment &- 1) == 0 {
                guard let pointer = plain(byteCount) else { return nil }
                if Int(bitPattern: pointer) & (alignment &- 1) == 0 {
                    return (pointer, usable)
                }
                Mimalloc.free(pointer)
            }
        }
        let pointer = alignment <= 8 ? plain(byteCount) : aligned(byteCount, alignment)
        guard let pointer else { return nil }
        return (pointer, Mimalloc.usableSize(pointer))
    }
}
