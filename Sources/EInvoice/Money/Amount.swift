/// A monetary amount with the currency it is expressed in (UBL `@currencyID`).
public struct Amount: Sendable, Hashable, CustomStringConvertible {
    public var value: DecimalNumber
    /// ISO 4217 code, e.g. `EUR`.
    public var currencyID: String

    public init(_ value: DecimalNumber, currencyID: String) {
        self.value = value
        self.currencyID = currencyID
    }

    public var description: String { "\(value) \(currencyID)" }
}

/// A quantity with its UN/ECE Recommendation 20/21 unit code (`C62` one, `HUR` hour, `KGM` kilogram).
public struct Quantity: Sendable, Hashable, CustomStringConvertible {
    public var value: DecimalNumber
    public var unitCode: String?

    public init(_ value: DecimalNumber, unitCode: String? = nil) {
        self.value = value
        self.unitCode = unitCode
    }

    public var description: String { unitCode.map { "\(value) \($0)" } ?? "\(value)" }
}
