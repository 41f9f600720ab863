import ShardedHeap

extension OffHeapImage {
    /// Loads an image from bytes (read from a socket, say), copying them into memory from
    /// `allocator`. Like ``MappedImage/init(contentsOf:)``, this checks only the header; each
    /// access checks what it reads, and ``validate()`` checks everything.
    ///
    /// - Parameters:
    ///   - bytes: The image, as ``write(to:)`` writes it or ``withUnsafeBytes(_:)`` shows it.
    ///   - allocator: Where the copy lives; the calling thread's default mimalloc heap by default.
    /// - Throws: The header errors listed at ``MappedImage/init(contentsOf:)``, or
    ///   ``ImageError/allocationFailed(_:)``.
    /// - Complexity: O(`bytes.byteCount`) for the copy.
    ///
    /// Any thread may call this.
    public convenience init<A: Allocator & Sendable>(
        copying bytes: RawSpan,
        allocator: A = MimallocAllocator()
    ) throws(ImageError) {
        let pointer: UnsafeMutableRawPointer
        do {
            pointer = try allocator.allocate(byteCount: bytes.byteCount, alignment: 16)
        } catch {
            throw .allocationFailed(error)
        }
        bytes.withUnsafeBytes { source in
            guard let base = source.baseAddress else { return }
            // Safe: the new block holds `byteCount` bytes and does not overlap the source.
            pointer.copyMemory(from: base, byteCount: source.count)
        }
        let storage = ImageStorage(base: pointer, count: bytes.byteCount, release: .allocator(allocator))
        self.init(content: try ImageContent(storage: storage, as: V.self))
    }
}
