/// What a value in an image is, as ``ImageCursor/kind`` reports it.
public enum ImageNodeKind: Hashable, Sendable {
    /// `nil` (an `Optional` without a value, or `encodeNil`).
    case null
    case bool
    /// A signed integer of any standard width.
    case signedInteger
    /// An unsigned integer of any standard width.
    case unsignedInteger
    case float
    case double
    /// A UTF-8 string, readable in place with ``ImageCursor/utf8()``.
    case string
    /// A keyed container: a struct, a class, a dictionary with `String` or `Int` keys, or an enum
    /// case. Navigate it with ``ImageCursor/field(_:)``.
    case keyed
    /// An array of values, each reached in O(1) with ``ImageCursor/element(_:)``.
    case array
    /// An array of numbers of one standard type stored packed, readable in place with
    /// ``ImageCursor/scalars(of:)``.
    case scalarArray
}
