/// BG-25 invoice line (a `cac:CreditNoteLine` in a credit note).
public struct InvoiceLine: Sendable, Hashable {
    /// BT-126 line identifier.
    public var id: String
    /// BT-127 line note.
    public var note: String?
    /// BT-129 invoiced quantity with BT-130 unit of measure.
    public var quantity: Quantity?
    /// BT-131 line net amount.
    public var lineExtensionAmount: Amount?
    /// BT-133 buyer accounting reference.
    public var accountingCost: String?
    /// BG-26 line period.
    public var invoicePeriod: Period?
    /// BT-132 referenced purchase order line.
    public var orderLineReference: String?
    /// BT-128 invoice line object identifier (with its scheme; type code 130).
    public var objectIdentifier: Identifier?
    /// BG-27 line allowances and BG-28 line charges.
    public var allowanceCharges: [AllowanceCharge]
    /// BG-31 item information.
    public var item: Item
    /// BG-29 price details.
    public var price: Price?

    public init(
        id: String, note: String? = nil, quantity: Quantity?, lineExtensionAmount: Amount?,
        accountingCost: String? = nil, invoicePeriod: Period? = nil, orderLineReference: String? = nil,
        objectIdentifier: Identifier? = nil, allowanceCharges: [AllowanceCharge] = [], item: Item,
        price: Price?
    ) {
        self.id = id
        self.note = note
        self.quantity = quantity
        self.lineExtensionAmount = lineExtensionAmount
        self.accountingCost = accountingCost
        self.invoicePeriod = invoicePeriod
        self.orderLineReference = orderLineReference
        self.objectIdentifier = objectIdentifier
        self.allowanceCharges = allowanceCharges
        self.item = item
        self.price = price
    }
}

/// BG-31 item information, with BG-30 line VAT information and BG-32 item attributes.
public struct Item: Sendable, Hashable {
    /// BT-154 item description.
    public var description: String?
    /// BT-153 item name.
    public var name: String?
    /// BT-156 buyer's item identifier.
    public var buyersItemID: String?
    /// BT-155 seller's item identifier.
    public var sellersItemID: String?
    /// BT-157 standard identifier (e.g. GTIN, scheme `0160`).
    public var standardItemID: Identifier?
    /// BT-159 country of origin.
    public var originCountry: String?
    /// BT-158 item classification identifiers.
    public var classifications: [ItemClassification]
    /// BG-30 line VAT category (BT-151) and rate (BT-152).
    public var taxCategory: TaxCategory?
    /// BG-32 item attributes (BT-160 name, BT-161 value).
    public var properties: [ItemProperty]

    public init(
        description: String? = nil, name: String?, buyersItemID: String? = nil, sellersItemID: String? = nil,
        standardItemID: Identifier? = nil, originCountry: String? = nil,
        classifications: [ItemClassification] = [], taxCategory: TaxCategory?, properties: [ItemProperty] = []
    ) {
        self.description = description
        self.name = name
        self.buyersItemID = buyersItemID
        self.sellersItemID = sellersItemID
        self.standardItemID = standardItemID
        self.originCountry = originCountry
        self.classifications = classifications
        self.taxCategory = taxCategory
        self.properties = properties
    }
}

/// BT-158 item classification identifier with its list (UNTDID 7143) and list version.
public struct ItemClassification: Sendable, Hashable {
    public var code: String
    public var listID: String?
    public var listVersionID: String?

    public init(code: String, listID: String?, listVersionID: String? = nil) {
        self.code = code
        self.listID = listID
        self.listVersionID = listVersionID
    }
}

public struct ItemProperty: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// BG-29 price details.
public struct Price: Sendable, Hashable {
    /// BT-146 item net price.
    public var priceAmount: Amount
    /// BT-149 item price base quantity (BT-150 unit).
    public var baseQuantity: Quantity?
    /// BT-147 price discount with BT-148 gross price (`cac:Price/cac:AllowanceCharge`).
    public var allowanceCharge: AllowanceCharge?

    public init(priceAmount: Amount, baseQuantity: Quantity? = nil, allowanceCharge: AllowanceCharge? = nil) {
        self.priceAmount = priceAmount
        self.baseQuantity = baseQuantity
        self.allowanceCharge = allowanceCharge
    }
}
