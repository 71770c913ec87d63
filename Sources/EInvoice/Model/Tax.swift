/// A VAT category code (UNCL 5305 subset of EN 16931).
public struct VATCategory: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Standard rate.
    public static let standard = VATCategory(rawValue: "S")
    /// Zero rated goods.
    public static let zeroRated = VATCategory(rawValue: "Z")
    /// Exempt from VAT.
    public static let exempt = VATCategory(rawValue: "E")
    /// VAT reverse charge.
    public static let reverseCharge = VATCategory(rawValue: "AE")
    /// Intra-community supply (VAT exempt for EEA intra-community supply of goods and services).
    public static let intraCommunity = VATCategory(rawValue: "K")
    /// Free export item, VAT not charged.
    public static let export = VATCategory(rawValue: "G")
    /// Services outside the scope of tax.
    public static let outsideScope = VATCategory(rawValue: "O")
    /// Canary Islands general indirect tax.
    public static let canaryIslands = VATCategory(rawValue: "L")
    /// Tax for production, services and importation in Ceuta and Melilla.
    public static let ceutaMelilla = VATCategory(rawValue: "M")

    /// Categories whose VAT breakdown needs an exemption reason (text or code).
    public var requiresExemptionReason: Bool {
        ["E", "AE", "K", "G", "O"].contains(rawValue)
    }

    /// Categories that have no rate at all ("not subject to VAT").
    public var hasRate: Bool { rawValue != "O" }
}

/// `cac:TaxCategory` / `cac:ClassifiedTaxCategory`: category, rate and exemption reason.
public struct TaxCategory: Sendable, Hashable {
    public var id: String
    /// The rate in percent, absent for category O.
    public var percent: DecimalNumber?
    /// BT-121 exemption reason code (VATEX).
    public var exemptionReasonCode: String?
    /// BT-120 exemption reason text.
    public var exemptionReason: String?
    public var taxSchemeID: String?

    public init(
        id: String, percent: DecimalNumber?, exemptionReasonCode: String? = nil, exemptionReason: String? = nil,
        taxSchemeID: String? = "VAT"
    ) {
        self.id = id
        self.percent = percent
        self.exemptionReasonCode = exemptionReasonCode
        self.exemptionReason = exemptionReason
        self.taxSchemeID = taxSchemeID
    }

    public init(_ category: VATCategory, percent: DecimalNumber?, exemptionReason: String? = nil) {
        self.init(id: category.rawValue, percent: percent, exemptionReason: exemptionReason)
    }

    public var category: VATCategory { VATCategory(rawValue: id) }
}

/// `cac:TaxTotal`: BT-110 (or BT-111 in the VAT accounting currency) with the BG-23 breakdown.
public struct TaxTotal: Sendable, Hashable {
    public var taxAmount: Amount
    public var subtotals: [TaxSubtotal]

    public init(taxAmount: Amount, subtotals: [TaxSubtotal] = []) {
        self.taxAmount = taxAmount
        self.subtotals = subtotals
    }
}

/// BG-23 VAT breakdown for one category and rate.
public struct TaxSubtotal: Sendable, Hashable {
    /// BT-116 taxable amount.
    public var taxableAmount: Amount?
    /// BT-117 VAT amount.
    public var taxAmount: Amount
    /// BT-118 category, BT-119 rate, BT-120/121 exemption reason.
    public var category: TaxCategory

    public init(taxableAmount: Amount?, taxAmount: Amount, category: TaxCategory) {
        self.taxableAmount = taxableAmount
        self.taxAmount = taxAmount
        self.category = category
    }
}
