import EInvoice
import PropertyBased
import Testing

/// The builder's arithmetic, checked against the EN 16931 calculation rules as the standard
/// writes them (recomputed here independently from the built document).
struct InvoiceBuilderTests {
    static let rates: [(VATCategory, DecimalNumber?)] = [
        (.standard, 21), (.standard, 9), (.standard, "5.5"), (.zeroRated, 0), (.exempt, 0),
    ]

    static func builder(
        lines: [InvoiceBuilder.Line], adjustments: [InvoiceBuilder.DocumentAdjustment] = []
    )
        -> InvoiceBuilder
    {
        var builder = InvoiceBuilder(
            id: "P-1", issueDate: LocalDate("2026-02-28")!, seller: ExampleInvoices.supplier,
            buyer: ExampleInvoices.governmentCustomer)
        builder.lines = lines
        builder.documentAdjustments = adjustments
        return builder
    }

    static let lineGenerator = zip(
        Gen.int(in: -20_000...200_000),  // quantity in thousandths, negative lines included
        Gen.int(in: 0...500_000),  // net price in ten-thousandths: half cents and smaller
        Gen.int(in: 0...4),  // category and rate
        Gen.int(in: 0...3),  // line allowance / charge kind
        Gen.int(in: 0...2_000),  // its amount in cents
        Gen.int(in: 0...2)  // base quantity 1, 10 or none
    ).map { quantity, price, rate, adjustment, cents, base in
        let (category, percent) = InvoiceBuilderTests.rates[rate]
        let amount = DecimalNumber(significand: Int128(cents), scale: 2)
        return InvoiceBuilder.Line(
            name: "Item", quantity: DecimalNumber(significand: Int128(quantity), scale: 3),
            netPrice: DecimalNumber(significand: Int128(price), scale: 4),
            baseQuantity: base == 1 ? 10 : nil, category: category, rate: percent,
            allowances: adjustment == 1 ? [.init(amount: amount, reason: "Korting")] : [],
            charges: adjustment == 2 ? [.init(amount: amount, reason: "Toeslag")] : [])
    }

    static let adjustmentGenerator = zip(Gen.int(in: 0...1), Gen.int(in: 1...50_000), Gen.int(in: 0...4)).map {
        charge, cents, rate in
        let (category, percent) = InvoiceBuilderTests.rates[rate]
        return InvoiceBuilder.DocumentAdjustment(
            isCharge: charge == 1,
            adjustment: .init(amount: DecimalNumber(significand: Int128(cents), scale: 2), reason: "Aanpassing"),
            category: category, rate: percent)
    }

    @Test func builtDocumentsSatisfyTheCalculationRules() async {
        await propertyCheck(
            count: 300, input: Self.lineGenerator.array(of: 1...40), Self.adjustmentGenerator.array(of: 0...4)
        ) { lines, adjustments in
            let invoice = try Self.builder(lines: lines, adjustments: adjustments).build()
            let violations = CalculationRules.violations(in: invoice, lines: lines)
            #expect(violations.isEmpty, "\(violations)")
        }
    }

    @Test func builtDocumentsRoundTrip() async {
        await propertyCheck(count: 50, input: Self.lineGenerator.array(of: 1...10)) { lines in
            let invoice = try Self.builder(lines: lines).build()
            #expect(try UBLReader().read(UBLWriter().write(invoice)) == invoice)
        }
    }

    @Test func halfCentsRoundTowardPositiveInfinity() throws {
        let invoice = try Self.builder(lines: [
            .init(name: "Up", quantity: 1, netPrice: "0.125"),
            .init(name: "Down", quantity: -1, netPrice: "0.125"),
        ]).build()
        #expect(invoice.lines.map { $0.lineExtensionAmount!.value.description } == ["0.13", "-0.12"])
        #expect(invoice.totals.lineExtensionAmount?.value == "0.01")
        // 21 % of 0.01 = 0.0021 → 0.00
        #expect(invoice.vatTotal?.taxAmount.value == 0)
    }

    @Test func vatOfAHalfCentGoesUp() throws {
        // 0.50 × 21 % = 0.105 → 0.11; −0.50 × 21 % = −0.105 → −0.10.
        let positive = try Self.builder(lines: [.init(name: "A", quantity: 1, netPrice: "0.50")]).build()
        #expect(positive.vatTotal?.taxAmount.value == "0.11")
        let negative = try Self.builder(lines: [.init(name: "A", quantity: -1, netPrice: "0.50")]).build()
        #expect(negative.vatTotal?.taxAmount.value == "-0.10")
        #expect(negative.totals.payableAmount.value == "-0.60")
    }

    @Test func totalsWithAllowancesChargesPrepaidAndRounding() throws {
        var builder = Self.builder(lines: [.init(name: "Uren", quantity: 8, unitCode: "HUR", netPrice: "95")])
        builder.addAllowance("40", reason: "Korting")
        builder.addCharge("12.50", reason: "Reiskosten")
        builder.prepaidAmount = "100"
        builder.roundingAmount = "0.01"
        let invoice = try builder.build()
        #expect(invoice.totals.lineExtensionAmount?.value == 760)
        #expect(invoice.totals.allowanceTotalAmount?.value == 40)
        #expect(invoice.totals.chargeTotalAmount?.value == "12.5")
        #expect(invoice.totals.taxExclusiveAmount?.value == "732.50")
        #expect(invoice.vatTotal?.taxAmount.value == "153.83")  // 153.825 → 153.83
        #expect(invoice.totals.taxInclusiveAmount?.value == "886.33")
        #expect(invoice.totals.payableAmount.value == "786.34")
    }

    @Test func exemptCategoriesGetAReason() throws {
        var builder = Self.builder(lines: [.init(name: "Export", quantity: 1, netPrice: 10, category: .export, rate: 0)])
        builder.exemptionReasons[.export] = "Export buiten de EU"
        let invoice = try builder.build()
        #expect(invoice.vatTotal?.subtotals.first?.category.exemptionReason == "Export buiten de EU")
        let outside = try Self.builder(lines: [.init(name: "X", quantity: 1, netPrice: 10, category: .outsideScope)]).build()
        #expect(outside.vatTotal?.subtotals.first?.category.percent == nil)
        #expect(outside.vatTotal?.subtotals.first?.category.exemptionReason == "Not subject to VAT")
    }

    @Test func emptyLinesAndNoLinesAreRefused() {
        let empty = #expect(throws: InvoiceBuilderError.self) {
            try Self.builder(lines: [.init(name: "Ok", quantity: 1, netPrice: 1), .init(name: "  ", quantity: 1, netPrice: 1)]).build()
        }
        #expect(empty?.code == .emptyLine)
        #expect(empty?.line == "2")
        let none = #expect(throws: InvoiceBuilderError.self) { try Self.builder(lines: []).build() }
        #expect(none?.code == .noLines)
        let negative = #expect(throws: InvoiceBuilderError.self) {
            try Self.builder(lines: [.init(name: "A", quantity: 1, netPrice: "-1")]).build()
        }
        #expect(negative?.code == .negativePrice)
        let zeroRate = #expect(throws: InvoiceBuilderError.self) {
            try Self.builder(lines: [.init(name: "A", quantity: 1, netPrice: 1, category: .standard, rate: 0)]).build()
        }
        #expect(zeroRate?.code == .invalidRate)
    }

    @Test func tenThousandLines() throws {
        let invoice = ExampleInvoices.siUBL(lineCount: 10_000)
        #expect(invoice.lines.count == 10_000)
        #expect(CalculationRules.violations(in: invoice, lines: nil).isEmpty)
    }
}

/// BR-CO-10 … BR-CO-17, BR-DEC and the VAT category sums, written from the standard's text.
enum CalculationRules {
    static func round2(_ value: DecimalNumber) -> DecimalNumber { value.rounded(scale: 2) }

    static func violations(in invoice: Invoice, lines: [InvoiceBuilder.Line]?) -> [String] {
        var found: [String] = []
        let totals = invoice.totals
        func value(_ amount: Amount?) -> DecimalNumber? { amount?.value }
        func sum(_ values: [DecimalNumber]) -> DecimalNumber { values.reduce(.zero, +) }

        let lineSum = sum(invoice.lines.compactMap { $0.lineExtensionAmount?.value })
        if value(totals.lineExtensionAmount) != round2(lineSum) { found.append("BR-CO-10") }
        let allowances = invoice.allowanceCharges.filter { !$0.isCharge }
        let charges = invoice.allowanceCharges.filter(\.isCharge)
        if allowances.isEmpty
            ? totals.allowanceTotalAmount != nil
            : value(totals.allowanceTotalAmount) != round2(sum(allowances.map(\.amount.value)))
        {
            found.append("BR-CO-11")
        }
        if charges.isEmpty
            ? totals.chargeTotalAmount != nil
            : value(totals.chargeTotalAmount) != round2(sum(charges.map(\.amount.value)))
        {
            found.append("BR-CO-12")
        }
        let exclusive = round2(lineSum - (value(totals.allowanceTotalAmount) ?? 0) + (value(totals.chargeTotalAmount) ?? 0))
        if value(totals.taxExclusiveAmount) != exclusive { found.append("BR-CO-13") }
        guard let vat = invoice.vatTotal else { return found + ["BR-CO-18"] }
        if vat.taxAmount.value != round2(sum(vat.subtotals.map(\.taxAmount.value))) { found.append("BR-CO-14") }
        if value(totals.taxInclusiveAmount) != round2(exclusive + vat.taxAmount.value) { found.append("BR-CO-15") }
        let payable = round2(
            (value(totals.taxInclusiveAmount) ?? 0) - (value(totals.prepaidAmount) ?? 0)
                + (value(totals.payableRoundingAmount) ?? 0))
        if totals.payableAmount.value != payable { found.append("BR-CO-16") }
        for subtotal in vat.subtotals {
            let taxable = subtotal.taxableAmount?.value ?? 0
            let expected = round2(taxable * (subtotal.category.percent ?? 0) * DecimalNumber(significand: 1, scale: 2))
            if (expected - subtotal.taxAmount.value).magnitude >= 1 { found.append("BR-CO-17") }
            if subtotal.category.id == "S", expected != subtotal.taxAmount.value { found.append("BR-S-09 exact") }
            // BR-x-08: the taxable amount is the sum of what falls under this category and rate.
            func matches(_ category: TaxCategory?) -> Bool {
                category?.id == subtotal.category.id && category?.percent == subtotal.category.percent
            }
            let inCategory =
                sum(invoice.lines.filter { matches($0.item.taxCategory) }.compactMap { $0.lineExtensionAmount?.value })
                + sum(charges.filter { matches($0.taxCategory) }.map(\.amount.value))
                - sum(allowances.filter { matches($0.taxCategory) }.map(\.amount.value))
            if inCategory != taxable { found.append("BR-\(subtotal.category.id)-08") }
            if subtotal.category.category.requiresExemptionReason && subtotal.category.exemptionReason == nil {
                found.append("BR-\(subtotal.category.id)-10")
            }
        }
        // BR-DEC: every amount has at most 2 decimals.
        let amounts =
            [
                totals.lineExtensionAmount, totals.taxExclusiveAmount, totals.taxInclusiveAmount,
                totals.allowanceTotalAmount, totals.chargeTotalAmount, totals.payableAmount, vat.taxAmount,
            ]
            + vat.subtotals.flatMap { [$0.taxableAmount, $0.taxAmount] } + invoice.lines.map(\.lineExtensionAmount)
        if amounts.contains(where: { ($0?.value.fractionDigits ?? 0) > 2 }) { found.append("BR-DEC") }
        // Line net amount = quantity × price ÷ base quantity (Peppol R120), less allowances, plus charges.
        for (line, input) in zip(invoice.lines, lines ?? []) {
            let gross = line.quantity!.value * line.price!.priceAmount.value
            let base = line.price!.baseQuantity?.value ?? 1
            let expected =
                gross.divided(by: base, scale: 2)!
                - sum(line.allowanceCharges.filter { !$0.isCharge }.map(\.amount.value))
                + sum(line.allowanceCharges.filter(\.isCharge).map(\.amount.value))
            if line.lineExtensionAmount?.value != expected { found.append("line \(line.id) net") }
            if line.quantity?.value != input.quantity { found.append("line \(line.id) quantity") }
        }
        return found
    }
}
