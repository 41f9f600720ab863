import ShardedHeap

/// A value of type `V` copied off the Swift heap into one block of position-independent bytes
/// (see ``OffHeap/copy(_:allocator:)``).
///
/// The image owns its block and frees it when the last reference goes (RAII), or at once with
/// ``free()``, as in OCaml's `offheap`. Cursors and element views made from the image hold the
/// block too, so memory they read stays valid: ``free()`` gives up the image's own hold, and the
/// block goes when the last of them does.
///
/// Reading (``get()``, ``elements``, ``root``) never changes the bytes, so any number of threads
/// may read one image at once; ``free()`` may be called from any thread.
public final class OffHeapImage<V: Codable>: Sendable {
    private let held: PThreadLock<ImageContent?>

    init(content: ImageContent) {
        held = PThreadLock(content)
    }

    /// The content, or a precondition failure after ``free()``.
    private func content(_ caller: StaticString) -> ImageContent {
        guard let content = held.withLock({ $0 }) else {
            fatalError("OffHeapImage.\(caller): the image was freed")
        }
        return content
    }

    /// Rebuilds the value on the Swift heap.
    /// - Returns: A value equal to the one copied (as far as its Codable conformance goes).
    /// - Throws: Whatever `V.init(from:)` throws (a `DecodingError` when its `init(from:)` does
    ///   not read what its `encode(to:)` wrote).
    /// - Precondition: The image has not been freed.
    /// - Complexity: O(size of the value).
    public func get() throws -> V {
        try content("get()").get(V.self)
    }

    /// Gives up the image's memory now. Harmless when called again.
    ///
    /// The block is freed at once unless cursors or element views made from this image are still
    /// alive; the last of them frees it. Using the image afterwards (other than ``free()`` and
    /// ``isFreed``) is a precondition failure.
    public func free() {
        let content = held.withLock { held in
            let content = held
            held = nil
            return content
        }
        _ = content  // released here, outside the lock
    }

    /// Whether ``free()`` has been called.
    public var isFreed: Bool { held.withLock { $0 == nil } }

    /// The image's size in bytes, header included.
    /// - Precondition: The image has not been freed.
    public var byteCount: Int { content("byteCount").storage.count }

    /// A cursor on the root value, to read parts of it in place.
    /// - Precondition: The image has not been freed.
    public var root: ImageCursor { content("root").root }

    /// Checks every node of the image; see ``MappedImage/validate()``. An image made by
    /// ``OffHeap/copy(_:allocator:)`` always passes.
    /// - Precondition: The image has not been freed.
    /// - Complexity: O(size of the image).
    public func validate() throws(ImageError) { try content("validate()").validate() }

    /// Calls `body` with the image's bytes.
    /// - Warning: The pointer must not escape `body`.
    /// - Precondition: The image has not been freed.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let storage = content("withUnsafeBytes").storage
        // Safe: `storage` is held until `body` returns.
        return try withExtendedLifetime(storage) { () throws(Failure) -> Result in
            try body(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
        }
    }

    /// Writes the image to `path` atomically: into a temporary file in the same directory, which
    /// is synced and then renamed over `path` (and the directory synced), so readers see either
    /// the old file or the whole new one.
    /// - Throws: ``ImageError/fileError(operation:path:errno:)``.
    /// - Precondition: The image has not been freed.
    /// - Complexity: O(size of the image).
    public func write(to path: String) throws(ImageError) {
        let storage = content("write(to:)").storage
        try withExtendedLifetime(storage) { () throws(ImageError) in
            try ImageFile.writeAtomically(UnsafeRawBufferPointer(start: storage.base, count: storage.count), to: path)
        }
    }
}

extension OffHeapImage where V: RandomAccessCollection & RangeReplaceableCollection, V.Element: Decodable {
    /// The elements of an array image, decoded one at a time: O(1) to find, O(size of the
    /// element) to decode.
    /// - Throws: ``ImageError`` when the root is not an array (an array type whose
    ///   `encode(to:)` writes something else).
    /// - Precondition: The image has not been freed.
    public var elements: ImageElements<V.Element> {
        get throws(ImageError) { try root.elements(of: V.Element.self) }
    }
}
