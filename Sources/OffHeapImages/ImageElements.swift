import ShardedHeap

/// The elements of an array in an image, decoded one at a time.
///
/// Finding element `i` is O(1) (an offset table, or arithmetic for a packed array of numbers),
/// and decoding it costs only the element's own size, so a table of a hundred million records
/// is never rebuilt as a whole:
///
/// ```swift
/// let people = try MappedImage<[Person]>(contentsOf: path).elements
/// let somebody = try people[12_345_678]
/// ```
///
/// The view keeps the image's bytes alive. Any thread may use it.
public struct ImageElements<Element: Decodable>: Sendable {
    let source: ImageSource
    let array: ImageUnkeyedDecodingContainer.Source

    /// The number of elements.
    /// - Complexity: O(1).
    public var count: Int {
        switch array {
        case .nodes(let array): array.count
        case .scalars(let array): array.count
        }
    }

    /// Whether there are no elements.
    public var isEmpty: Bool { count == 0 }

    /// The valid indices, `0..<count`.
    public var indices: Range<Int> { 0..<count }

    /// Decodes element `index`.
    /// - Throws: ``ImageError`` when the bytes are damaged, `DecodingError` when they do not hold
    ///   an `Element`, or whatever `Element.init(from:)` throws.
    /// - Precondition: `0 <= index < count`.
    /// - Complexity: O(1) to find, O(size of the element) to decode.
    public subscript(index: Int) -> Element {
        get throws {
            let ref = try self.ref(at: index)
            return try source.withPass { pass in
                // After taking the pass, whose atomic exchange would wait for this load.
                pass.earlyLoad = pass.bytes.lineBefore(ref.offset)
                return try pass.decodeValue(Element.self, at: ref)
            }
        }
    }

    /// A cursor on element `index`, to read parts of it without decoding it.
    /// - Precondition: `0 <= index < count`.
    /// - Complexity: O(1).
    public func cursor(at index: Int) throws(ImageError) -> ImageCursor {
        ImageCursor(source: source, ref: try ref(at: index))
    }

    /// Where element `index` is.
    /// - Precondition: `0 <= index < count`.
    @inline(__always)
    private func ref(at index: Int) throws(ImageError) -> ImageNodeRef {
        require(index >= 0 && index < count, "ImageElements: index \(index) out of range 0..<\(count)")
        switch array {
        case .nodes(let array): return ImageNodeRef(offset: try array.child(index, in: source.bytes))
        case .scalars(let array): return ImageNodeRef(offset: array.offset, element: index)
        }
    }
}
