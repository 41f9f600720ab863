/// One parsed node: a scalar's value, or where a string's bytes or a container's tables are.
/// Parsing checks the node's fixed part and tables against the image, so the accessors of the
/// container nodes only check what a single entry points at.
enum ImageNode {
    case null
    case bool(Bool)
    case signed(Int64)
    case unsigned(UInt64)
    case float(Float)
    case double(Double)
    /// A string: its UTF-8 bytes start at `start` and are checked to lie inside the image.
    case string(start: Int, count: Int)
    case keyed(ImageKeyedNode)
    case array(ImageArrayNode)
    case scalarArray(ImageScalarArrayNode)

    /// A name for error messages.
    var kindName: String {
        switch self {
        case .null: "nil"
        case .bool: "Bool"
        case .signed: "signed integer"
        case .unsigned: "unsigned integer"
        case .float: "Float"
        case .double: "Double"
        case .string: "String"
        case .keyed: "keyed container"
        case .array: "array"
        case .scalarArray(let node): "array of \(ImageFormat.elementName(ofCode: node.code))"
        }
    }
}

/// Where a value is: a node, or one element of a scalar array (which has no node of its own).
struct ImageNodeRef: Hashable {
    /// The node's offset (for an element: its scalar array's offset).
    var offset: Int
    /// The element's index in the scalar array at `offset`, or -1 for the node itself.
    var element: Int

    init(offset: Int, element: Int = -1) {
        self.offset = offset
        self.element = element
    }
}
