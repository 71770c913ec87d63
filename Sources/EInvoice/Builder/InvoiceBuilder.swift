/// Builds an ``Invoice`` from lines, allowances and charges, computing everything EN 16931
/// derives: line net amounts, the VAT breakdown per category and rate, and all document totals.
///
/// Every amount is rounded to 2 decimals the way the standard's rules do (XPath `round()`, halves
/// toward positive infinity), so the result satisfies BR-CO-10 … BR-CO-17 and the VAT category
/// rules by construction.
///
/// ```swift
/// var builder = InvoiceBuilder(id: "F2026-001", issueDate: LocalDate("2026-11-25")!, seller: seller, buyer: buyer)
/// builder.addLine(name: "Consultancy", quantity: 8, unitCode: "HUR", netPrice: "95.00", vat: .standard, rate: 21)
/// let invoice = try builder.build()
/// ```
public struct InvoiceBuilder: Sendable {
    /// One line as the user enters it; amounts are computed.
    public struct Line: Sendable, Hashable {
        public var id: String?
        public var name: String
        public var description: String?
        public var note: String?
        public var quantity: DecimalNumber
        /// UN/ECE Rec 20 unit code; `C62` (one) by default.
        public var unitCode: String
        /// BT-146 net price per `baseQuantity` units.
        public var netPrice: DecimalNumber
        public var baseQuantity: DecimalNumber?
        public var category: VATCategory
        /// The VAT rate in percent; nil for category O.
        public var rate: DecimalNumber?
        public var sellersItemID: String?
        public var allowances: [Adjustment]
        public var charges: [Adjustment]

        public init(
            id: String? = nil, name: String, description: String? = nil, note: String? = nil,
            quantity: DecimalNumber, unitCode: String = "C62", netPrice: DecimalNumber,
            baseQuantity: DecimalNumber? = nil, category: VATCategory = .standard, rate: DecimalNumber? = 21,
            sellersItemID: String? = nil, allowances: [Adjustment] = [], charges: [Adjustment] = []
        ) {
            self.id = id
            self.name = name
            self.description = description
            self.note = note
            self.quantity = quantity
            self.unitCode = unitCode
            self.netPrice = netPrice
            self.baseQuantity = baseQuantity
            self.category = category
            self.rate = category.hasRate ? rate : nil
            self.sellersItemID = sellersItemID
            self.allowances = allowances
            self.charges = charges
        }
    }

    /// An allowance or charge: its amount and why.
    public struct Adjustment: Sendable, Hashable {
        public var amount: DecimalNumber
        public var reason: String
        public var reasonCode: String?

        public init(amount: DecimalNumber, reason: String, reasonCode: String? = nil) {
            self.amount = amount
            self.reason = reason
            self.reasonCode = reasonCode
        }
    }

    /// A document level allowance or charge with the VAT it falls under.
    public struct DocumentAdjustment: Sendable, Hashable {
        public var isCharge: Bool
        public var adjustment: Adjustment
        public var category: VATCategory
        public var rate: DecimalNumber?

        public init(isCharge: Bool, adjustment: Adjustment, category: VATCategory, rate: DecimalNumber?) {
            self.isCharge = isCharge
            self.adjustment = adjustment
            self.category = category
            self.rate = category.hasRate ? rate : nil
        }
    }

    /// Everything that is not computed: number, dates, parties, references, payment.
    public var header: Invoice
    public var lines: [Line] = []
    public var documentAdjustments: [DocumentAdjustment] = []
    /// BT-113 amount already paid.
    public var prepaidAmount: DecimalNumber?
    /// BT-114 rounding of the amount due.
    public var roundingAmount: DecimalNumber?
    /// BT-120 exemption reasons per category (E, AE, K, G, O need one); a standard text otherwise.
    public var exemptionReasons: [VATCategory: String] = [:]

    public init(
        kind: Invoice.Kind = .invoice, id: String, issueDate: LocalDate, seller: Party, buyer: Party,
        currency: String = "EUR", specification: String = Specification.siUBL20
    ) {
        header = Invoice(
            kind: kind, customizationID: specification, id: id, issueDate: issueDate, documentCurrencyCode: currency,
            seller: seller, buyer: buyer, totals: DocumentTotals(payableAmount: Amount(0, currencyID: currency)),
            lines: [])
    }

    public mutating func addLine(_ line: Line) {
        lines.append(line)
    }

    public mutating func addLine(
        name: String, quantity: DecimalNumber, unitCode: String = "C62", netPrice: DecimalNumber,
        vat category: VATCategory = .standard, rate: DecimalNumber? = 21
    ) {
        lines.append(
            Line(name: name, quantity: quantity, unitCode: unitCode, netPrice: netPrice, category: category, rate: rate))
    }

    public mutating func addAllowance(
        _ amount: DecimalNumber, reason: String, vat category: VATCategory = .standard,
        rate: DecimalNumber? = 21
    ) {
        documentAdjustments.append(
            DocumentAdjustment(
                isCharge: false, adjustment: Adjustment(amount: amount, reason: reason),
                category: category, rate: rate))
    }

    public mutating func addCharge(
        _ amount: DecimalNumber, reason: String, vat category: VATCategory = .standard,
        rate: DecimalNumber? = 21
    ) {
        documentAdjustments.append(
            DocumentAdjustment(
                isCharge: true, adjustment: Adjustment(amount: amount, reason: reason),
                category: category, rate: rate))
    }

    /// The line net amount (BT-131): quantity × price ÷ base quantity, rounded, minus line
    /// allowances plus line charges.
    public static func netAmount(of line: Line) -> DecimalNumber {
        let base = line.baseQuantity ?? 1
        let gross = (line.quantity * line.netPrice).divided(by: base, scale: 2) ?? .zero
        let allowances = line.allowances.reduce(DecimalNumber.zero) { $0 + $1.amount.rounded(scale: 2) }
        let charges = line.charges.reduce(DecimalNumber.zero) { $0 + $1.amount.rounded(scale: 2) }
        return gross - allowances + charges
    }

    public func build() throws(InvoiceBuilderError) -> Invoice {
        guard !lines.isEmpty else {
            throw InvoiceBuilderError(.noLines, "an invoice needs at least one line (BR-16)")
        }
        let currency = header.documentCurrencyCode
        func money(_ value: DecimalNumber) -> Amount { Amount(value.rounded(scale: 2), currencyID: currency) }

        var invoice = header
        var breakdown: [VATKey: DecimalNumber] = [:]
        var order: [VATKey] = []
        func addTaxable(_ key: VATKey, _ amount: DecimalNumber) {
            if breakdown[key] == nil { order.append(key) }
            breakdown[key, default: .zero] += amount
        }

        invoice.lines = []
        invoice.lines.reserveCapacity(lines.count)
        var lineTotal = DecimalNumber.zero
        for (index, line) in lines.enumerated() {
            let number = line.id ?? String(index + 1)
            guard !line.name.trimmingXMLWhitespace.isEmpty else {
                throw InvoiceBuilderError(.emptyLine, "line \(number) has no description (BR-25 item name)", line: number)
            }
            if line.category == .standard, (line.rate ?? .zero) <= .zero {
                throw InvoiceBuilderError(
                    .invalidRate, "line \(number) has VAT category S with rate \(line.rate?.description ?? "none"); S needs a rate above 0",
                    line: number)
            }
            if let base = line.baseQuantity, base <= .zero {
                throw InvoiceBuilderError(.invalidQuantity, "line \(number) has base quantity \(base); it must be above 0", line: number)
            }
            if line.netPrice.isNegative {
                throw InvoiceBuilderError(
                    .negativePrice, "line \(number) has a negative price (BR-27); use a negative quantity instead", line: number)
            }
            let net = InvoiceBuilder.netAmount(of: line)
            lineTotal += net
            addTaxable(VATKey(category: line.category, rate: line.rate?.normalized), net)
            invoice.lines.append(
                InvoiceLine(
                    id: number, note: line.note, quantity: Quantity(line.quantity, unitCode: line.unitCode),
                    lineExtensionAmount: money(net),
                    allowanceCharges: line.allowances.map { lineAdjustment($0, isCharge: false, currency: currency) }
                        + line.charges.map { lineAdjustment($0, isCharge: true, currency: currency) },
                    item: Item(
                        description: line.description, name: line.name, sellersItemID: line.sellersItemID,
                        taxCategory: TaxCategory(line.category, percent: line.rate)),
                    price: Price(
                        priceAmount: Amount(line.netPrice, currencyID: currency),
                        baseQuantity: line.baseQuantity.map { Quantity($0, unitCode: line.unitCode) })))
        }

        var allowanceTotal = DecimalNumber.zero
        var chargeTotal = DecimalNumber.zero
        invoice.allowanceCharges = []
        for adjustment in documentAdjustments {
            let amount = adjustment.adjustment.amount.rounded(scale: 2)
            if adjustment.isCharge { chargeTotal += amount } else { allowanceTotal += amount }
            addTaxable(
                VATKey(category: adjustment.category, rate: adjustment.rate?.normalized),
                adjustment.isCharge ? amount : -amount)
            invoice.allowanceCharges.append(
                AllowanceCharge(
                    isCharge: adjustment.isCharge, reasonCode: adjustment.adjustment.reasonCode,
                    reason: adjustment.adjustment.reason, amount: money(amount),
                    taxCategory: TaxCategory(adjustment.category, percent: adjustment.rate)))
        }

        var taxTotal = DecimalNumber.zero
        var subtotals: [TaxSubtotal] = []
        for key in order {
            let taxable = breakdown[key]!.rounded(scale: 2)
            let tax: DecimalNumber =
                if key.category == .standard || key.category == .canaryIslands || key.category == .ceutaMelilla,
                    let rate = key.rate
                {
                    (taxable * rate).divided(by: .hundred, scale: 2) ?? .zero
                } else {
                    DecimalNumber(significand: 0, scale: 2)
                }
            taxTotal += tax
            let reason =
                key.category.requiresExemptionReason
                ? exemptionReasons[key.category] ?? InvoiceBuilder.standardExemptionReason(key.category) : nil
            subtotals.append(
                TaxSubtotal(
                    taxableAmount: money(taxable), taxAmount: money(tax),
                    category: TaxCategory(key.category, percent: key.rate, exemptionReason: reason)))
        }
        invoice.taxTotals = [TaxTotal(taxAmount: money(taxTotal), subtotals: subtotals)]

        let taxExclusive = lineTotal - allowanceTotal + chargeTotal
        let taxInclusive = taxExclusive + taxTotal
        let payable = taxInclusive - (prepaidAmount?.rounded(scale: 2) ?? .zero) + (roundingAmount?.rounded(scale: 2) ?? .zero)
        invoice.totals = DocumentTotals(
            lineExtensionAmount: money(lineTotal), taxExclusiveAmount: money(taxExclusive),
            taxInclusiveAmount: money(taxInclusive),
            allowanceTotalAmount: invoice.allowanceCharges.contains { !$0.isCharge } ? money(allowanceTotal) : nil,
            chargeTotalAmount: invoice.allowanceCharges.contains { $0.isCharge } ? money(chargeTotal) : nil,
            prepaidAmount: prepaidAmount.map(money), payableRoundingAmount: roundingAmount.map(money),
            payableAmount: money(payable))
        return invoice
    }

    private func lineAdjustment(_ adjustment: Adjustment, isCharge: Bool, currency: String) -> AllowanceCharge {
        AllowanceCharge(
            isCharge: isCharge, reasonCode: adjustment.reasonCode, reason: adjustment.reason,
            amount: Amount(adjustment.amount.rounded(scale: 2), currencyID: currency))
    }

    static func standardExemptionReason(_ category: VATCategory) -> String {
        switch category {
        case .reverseCharge: "Reverse charge"
        case .intraCommunity: "Intra-community supply"
        case .export: "Export outside the EU"
        case .outsideScope: "Not subject to VAT"
        default: "Exempt from VAT"
        }
    }

    private struct VATKey: Hashable {
        var category: VATCategory
        var rate: DecimalNumber?
    }
}

/// Why a builder could not produce an invoice.
public struct InvoiceBuilderError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let noLines = Code(rawValue: "builder.no-lines")
        /// A line without a description (what accounting packages call an empty invoice line).
        public static let emptyLine = Code(rawValue: "builder.empty-line")
        public static let invalidRate = Code(rawValue: "builder.invalid-rate")
        public static let invalidQuantity = Code(rawValue: "builder.invalid-quantity")
        public static let negativePrice = Code(rawValue: "builder.negative-price")
    }

    public var code: Code
    public var message: String
    /// The line concerned, by its number.
    public var line: String?

    public init(_ code: Code, _ message: String, line: String? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String { "\(message) [\(code)]" }
}
