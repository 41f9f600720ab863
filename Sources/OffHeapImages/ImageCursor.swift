import ShardedHeap

/// A position in an image, for reading parts of a value without decoding all of it.
///
/// A cursor navigates keyed containers by field name and arrays by index, and reads strings and
/// arrays of numbers in place, as `Span`s over the image's own bytes:
///
/// ```swift
/// let image = try MappedImage<Town>(contentsOf: path)
/// let people = try image.root.field("people")!          // an array
/// let name = try people.element(42).field("name")!.utf8() // Span<UInt8>, no copy
/// let ages = try image.root.field("ages")!.scalars(of: Int.self) // Span<Int>, no copy
/// ```
///
/// Every step checks the bytes it reads against the image and throws ``ImageError`` when they
/// are damaged. A cursor keeps the image's bytes alive (even past ``OffHeapImage/free()``), so
/// spans borrowed from it stay valid while the cursor does.
///
/// Cursors are values; any thread may use them, as the bytes they read never change.
public struct ImageCursor: Sendable {
    let source: ImageSource
    let ref: ImageNodeRef

    private var bytes: ImageBytes { source.bytes }

    private func node() throws(ImageError) -> ImageNode { try bytes.node(ref) }

    private func moved(to ref: ImageNodeRef) -> ImageCursor {
        ImageCursor(source: source, ref: ref)
    }

    /// The offset of the value's node in the image (for a scalar array element: of the array).
    public var offset: Int { ref.offset }

    /// What the value is.
    /// - Throws: ``ImageError`` when the node is damaged.
    /// - Complexity: O(1).
    public var kind: ImageNodeKind {
        get throws(ImageError) {
            switch try node() {
            case .null: .null
            case .bool: .bool
            case .signed: .signedInteger
            case .unsigned: .unsignedInteger
            case .float: .float
            case .double: .double
            case .string: .string
            case .keyed: .keyed
            case .array: .array
            case .scalarArray: .scalarArray
            }
        }
    }

    /// The number of elements of an array, fields of a keyed container, or UTF-8 bytes of a
    /// string.
    /// - Throws: ``ImageError/unexpectedNode(at:expected:found:)`` for other values, or when the
    ///   node is damaged.
    /// - Complexity: O(1).
    public var count: Int {
        get throws(ImageError) {
            let node = try node()
            switch node {
            case .array(let array): return array.count
            case .scalarArray(let array): return array.count
            case .keyed(let keyed): return keyed.count
            case .string(_, let count): return count
            default:
                throw .unexpectedNode(
                    at: ref.offset,
                    expected: "array, keyed container or String",
                    found: node.kindName
                )
            }
        }
    }

    /// The value of the field `name` of a keyed container, or nil when it has no such field.
    /// - Throws: ``ImageError`` when this is not a keyed container or the bytes are damaged.
    /// - Complexity: O(number of fields).
    public func field(_ name: String) throws(ImageError) -> ImageCursor? {
        let keyed = try keyedNode()
        let keys = source.keys
        try keys.checkIntact()
        guard let field = try keys.field(named: name, in: keyed) else { return nil }
        return moved(to: ImageNodeRef(offset: try keyed.child(field, in: bytes)))
    }

    /// The field names of a keyed container, in stored order.
    /// - Throws: ``ImageError`` when this is not a keyed container or the bytes are damaged.
    /// - Complexity: O(number of fields).
    public var fieldNames: [String] {
        get throws(ImageError) {
            let keyed = try keyedNode()
            let keys = source.keys
            try keys.checkIntact()
            var names: [String] = []
            names.reserveCapacity(keyed.count)
            for field in 0..<keyed.count { names.append(try keys.name(ofField: field, in: keyed)) }
            return names
        }
    }

    /// Element `index` of an array.
    /// - Throws: ``ImageError`` when this is not an array or the bytes are damaged.
    /// - Precondition: `0 <= index < count`.
    /// - Complexity: O(1).
    public func element(_ index: Int) throws(ImageError) -> ImageCursor {
        let node = try node()
        switch node {
        case .array(let array):
            require(
                index >= 0 && index < array.count,
                "ImageCursor.element: index \(index) out of range 0..<\(array.count)"
            )
            return moved(to: ImageNodeRef(offset: try array.child(index, in: bytes)))
        case .scalarArray(let array):
            require(
                index >= 0 && index < array.count,
                "ImageCursor.element: index \(index) out of range 0..<\(array.count)"
            )
            return moved(to: ImageNodeRef(offset: array.offset, element: index))
        default:
            throw .unexpectedNode(at: ref.offset, expected: "array", found: node.kindName)
        }
    }

    /// The UTF-8 bytes of a string, in place.
    /// - Throws: ``ImageError`` when this is not a string or the bytes are damaged. The bytes are
    ///   not checked to be valid UTF-8 (``decode(_:)`` and ``OffHeapImage/validate()`` check).
    /// - Complexity: O(1).
    @_lifetime(borrow self)
    public func utf8() throws(ImageError) -> Span<UInt8> {
        let node = try node()
        guard case .string(let start, let count) = node else {
            throw .unexpectedNode(at: ref.offset, expected: "String", found: node.kindName)
        }
        // Safe: the range was checked against the image, whose bytes never change and stay
        // alive while this cursor (which holds the storage) does.
        let span = Span<UInt8>(_unsafeElements: bytes.uncheckedBuffer(start, count).assumingMemoryBound(to: UInt8.self))
        return _overrideLifetime(span, borrowing: self)
    }

    /// The numbers of a scalar array, in place. An empty array of any type gives an empty span.
    /// - Parameter type: The stored element type; `Int` reads arrays of `Int` or `Int64`.
    /// - Throws: ``ImageError/elementTypeMismatch(at:expected:found:)`` when the array holds
    ///   another type, ``ImageError/unexpectedNode(at:expected:found:)`` when this is not an
    ///   array of numbers.
    /// - Complexity: O(1).
    @_lifetime(borrow self)
    public func scalars<T: ImageScalar>(of type: T.Type) throws(ImageError) -> Span<T> {
        let node = try node()
        switch node {
        case .scalarArray(let array):
            guard array.code == T._imageElementCode, array.elementSize == MemoryLayout<T>.size else {
                throw .elementTypeMismatch(
                    at: ref.offset,
                    expected: "\(T.self)",
                    found: ImageFormat.elementName(ofCode: array.code)
                )
            }
            // Safe: the data range was checked against the image and is aligned to the element
            // size; the bytes never change and live as long as this cursor.
            let elements = UnsafeBufferPointer(
                start: (bytes.base + array.dataStart).assumingMemoryBound(to: T.self),
                count: array.count
            )
            return _overrideLifetime(Span(_unsafeElements: elements), borrowing: self)
        case .array(let array) where array.count == 0:
            return _overrideLifetime(
                Span(_unsafeElements: UnsafeBufferPointer<T>(start: nil, count: 0)),
                borrowing: self
            )
        default:
            throw .unexpectedNode(at: ref.offset, expected: "array of \(T.self)", found: node.kindName)
        }
    }

    /// The whole image's bytes, in place.
    public var imageBytes: RawSpan {
        @_lifetime(borrow self)
        get {
            // Safe: the storage is alive while this cursor is, and its bytes never change.
            let storage = source.storage
            return _overrideLifetime(RawSpan(_unsafeStart: storage.base, byteCount: storage.count), borrowing: self)
        }
    }

    /// Decodes the value here onto the Swift heap.
    /// - Throws: ``ImageError`` when the bytes are damaged, `DecodingError` when they do not hold
    ///   a `T`, or whatever `T.init(from:)` throws.
    /// - Complexity: O(size of the value).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try source.withPass { pass in try pass.decodeValue(type, at: ref) }
    }

    /// The elements of the array here, each decoded as `E` on demand.
    /// - Throws: ``ImageError`` when this is not an array or the bytes are damaged.
    /// - Complexity: O(1).
    public func elements<E: Decodable>(of type: E.Type = E.self) throws(ImageError) -> ImageElements<E> {
        let node = try node()
        switch node {
        case .array(let array): return ImageElements(source: source, array: .nodes(array))
        case .scalarArray(let array): return ImageElements(source: source, array: .scalars(array))
        default: throw .unexpectedNode(at: ref.offset, expected: "array", found: node.kindName)
        }
    }

    private func keyedNode() throws(ImageError) -> ImageKeyedNode {
        let node = try node()
        guard case .keyed(let keyed) = node else {
            throw .unexpectedNode(at: ref.offset, expected: "keyed container", found: node.kindName)
        }
        return keyed
    }
}
