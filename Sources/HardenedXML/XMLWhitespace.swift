extension UInt8 {
    /// XML's white space (production S of the XML specification): space, tab, line feed and
    /// carriage return — what `normalize-space()` and XML Schema's whitespace collapsing remove.
    @inlinable public var isXMLWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
