/// A fixed-width number that an image stores packed, so that an array of it can be read in place
/// as a `Span` (see ``ImageCursor/scalars(of:)``).
///
/// The conformers are the standard integer types and `Float` and `Double`. `Int` and `UInt` are
/// stored as 64-bit numbers. Do not conform other types: the element code identifies the stored
/// representation, and a second type with the same code would read another type's bytes.
public protocol ImageScalar: BitwiseCopyable, Codable {
    /// The code an image stores for arrays of this type (an implementation detail).
    static var _imageElementCode: UInt8 { get }
}

extension Int8: ImageScalar { public static var _imageElementCode: UInt8 { 1 } }
extension Int16: ImageScalar { public static var _imageElementCode: UInt8 { 2 } }
extension Int32: ImageScalar { public static var _imageElementCode: UInt8 { 3 } }
extension Int64: ImageScalar { public static var _imageElementCode: UInt8 { 4 } }
extension Int: ImageScalar { public static var _imageElementCode: UInt8 { 4 } }
extension UInt8: ImageScalar { public static var _imageElementCode: UInt8 { 5 } }
extension UInt16: ImageScalar { public static var _imageElementCode: UInt8 { 6 } }
extension UInt32: ImageScalar { public static var _imageElementCode: UInt8 { 7 } }
extension UInt64: ImageScalar { public static var _imageElementCode: UInt8 { 8 } }
extension UInt: ImageScalar { public static var _imageElementCode: UInt8 { 8 } }
extension Float: ImageScalar { public static var _imageElementCode: UInt8 { 9 } }
extension Double: ImageScalar { public static var _imageElementCode: UInt8 { 10 } }

extension ImageFormat {
    /// The element size for a scalar element code, or nil for an unknown code.
    static func elementSize(ofCode code: UInt8) -> Int? {
        switch code {
        case 1, 5: 1
        case 2, 6: 2
        case 3, 7, 9: 4
        case 4, 8, 10: 8
        default: nil
        }
    }

    /// A name for a scalar element code, for error messages.
    static func elementName(ofCode code: UInt8) -> String {
        switch code {
        case 1: "Int8"
        case 2: "Int16"
        case 3: "Int32"
        case 4: "Int64"
        case 5: "UInt8"
        case 6: "UInt16"
        case 7: "UInt32"
        case 8: "UInt64"
        case 9: "Float"
        case 10: "Double"
        default: "unknown element code \(code)"
        }
    }
}
