/// An image file mapped read-only into memory, with the same read API as ``OffHeapImage``.
///
/// Opening maps the file (`PROT_READ`, `MAP_SHARED`) and checks only the 64-byte header, so it
/// takes the same time for any file size; each access then checks the bytes it reads. Call
/// ``validate()`` for a full pass up front. Processes that map the same file share its pages
/// in the page cache. Nothing is ever fixed up: all references in an image are offsets.
///
/// The mapping goes when the image and every cursor and element view made from it are gone.
///
/// - Warning: If another program truncates the file while it is mapped, reading the lost pages
///   raises `SIGBUS`. ``OffHeapImage/write(to:)`` replaces files by renaming, which never
///   changes a mapped file.
///
/// Any number of threads may read one mapped image at once.
public final class MappedImage<V: Codable>: Sendable {
    let content: ImageContent

    /// Maps the image file at `path` as a `V`.
    /// - Parameter path: The file's path.
    /// - Throws: ``ImageError/fileError(operation:path:errno:)`` when the file cannot be opened
    ///   or mapped; ``ImageError/truncated(expectedAtLeast:found:)``,
    ///   ``ImageError/badMagic(expected:found:)``, ``ImageError/unsupportedVersion(expected:found:)``,
    ///   ``ImageError/wrongEndianness(expected:found:)``, ``ImageError/lengthMismatch(recorded:actual:)``,
    ///   ``ImageError/wrongType(expected:expectedFingerprint:foundFingerprint:)``,
    ///   ``ImageError/badHeaderField(name:expected:found:)`` or
    ///   ``ImageError/badHeaderChecksum(expected:found:)`` when the header is wrong.
    /// - Complexity: O(1) in the file's size.
    ///
    /// Any thread may call this.
    public init(contentsOf path: String) throws(ImageError) {
        let storage = try ImageFile.map(path)
        content = try ImageContent(storage: storage, as: V.self)
    }

    /// Rebuilds the value on the Swift heap.
    /// - Throws: ``ImageError`` when the bytes are damaged, `DecodingError` when they do not hold
    ///   a `V`, or whatever `V.init(from:)` throws.
    /// - Complexity: O(size of the value); at most O(size of the image) nodes are visited, even in
    ///   a crafted file.
    public func get() throws -> V { try content.get(V.self) }

    /// The file's size in bytes.
    public var byteCount: Int { content.storage.count }

    /// A cursor on the root value, to read parts of it in place.
    public var root: ImageCursor { content.root }

    /// Checks every node reachable from the root and the key table: bounds, tags, widths,
    /// references, key ids, UTF-8, nesting depth, and that no node has two parents. Iterative;
    /// uses one bit of memory per byte of the image.
    /// - Throws: The first ``ImageError`` found.
    /// - Complexity: O(size of the image).
    public func validate() throws(ImageError) { try content.validate() }

    /// Calls `body` with the mapped bytes.
    /// - Warning: The pointer must not escape `body`.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withExtendedLifetime(content.storage) { () throws(Failure) -> Result in
            // Safe: the storage (and so the mapping) is held until `body` returns.
            try body(UnsafeRawBufferPointer(start: content.storage.base, count: content.storage.count))
        }
    }
}

extension MappedImage where V: RandomAccessCollection & RangeReplaceableCollection, V.Element: Decodable {
    /// The elements of an array image, decoded one at a time: O(1) to find, O(size of the
    /// element) to decode.
    /// - Throws: ``ImageError`` when the root is not an array or its node is damaged.
    public var elements: ImageElements<V.Element> {
        get throws(ImageError) { try root.elements(of: V.Element.self) }
    }
}
