/// Realistic SI-UBL 2.0 invoices for demos, tests and benchmarks: a Dutch supplier (KvK, VAT,
/// IBAN) invoicing a Dutch government body (OIN), with lines at 21 %, 9 % and 0 %.
public enum ExampleInvoices {
    public static let supplier = Party(
        endpointID: Identifier("12345678", schemeID: "0106"),
        name: "Voorbeeld Leverancier",
        postalAddress: Address(streetName: "Keizersgracht 1", cityName: "Amsterdam", postalZone: "1015 CJ", countryCode: "NL"),
        taxSchemes: [PartyTaxScheme(companyID: "NL123456782B01")],
        legalEntity: LegalEntity(registrationName: "Voorbeeld Leverancier B.V.", companyID: Identifier("12345678", schemeID: "0106")),
        contact: Contact(name: "Administratie", electronicMail: "facturen@leverancier.example"))

    public static let governmentCustomer = Party(
        endpointID: Identifier("00000001003214321000", schemeID: "0190"),
        postalAddress: Address(streetName: "Rijnstraat 8", cityName: "Den Haag", postalZone: "2515 XP", countryCode: "NL"),
        legalEntity: LegalEntity(registrationName: "Ministerie van Voorbeelden", companyID: Identifier("00000001003214321000", schemeID: "0190")))

    /// An invoice with `lineCount` lines, computed by ``InvoiceBuilder``.
    public static func siUBL(number: String = "F2026-0001", lineCount: Int = 3) -> Invoice {
        var builder = InvoiceBuilder(
            id: number, issueDate: LocalDate(year: 2026, month: 11, day: 25)!, seller: supplier, buyer: governmentCustomer)
        builder.header.dueDate = LocalDate(year: 2026, month: 12, day: 25)
        builder.header.buyerReference = "4500012345"
        builder.header.orderReference = OrderReference(id: "4500012345")
        builder.header.paymentMeans = [.sepaCreditTransfer(iban: "NL91ABNA0417164300", paymentID: number)]
        builder.header.paymentTerms = [PaymentTerms(note: "Betaling binnen 30 dagen")]
        let rates: [(VATCategory, DecimalNumber)] = [(.standard, 21), (.standard, 9), (.zeroRated, 0)]
        for index in 0..<lineCount {
            let (category, rate) = rates[index % rates.count]
            builder.addLine(
                InvoiceBuilder.Line(
                    name: "Artikel \(index + 1)", description: "Omschrijving van artikel \(index + 1)",
                    quantity: DecimalNumber(significand: Int128(1 + index % 7) * 5, scale: 1), unitCode: "C62",
                    netPrice: DecimalNumber(significand: Int128(1999 + (index * 37) % 10_000), scale: 2),
                    category: category, rate: rate, sellersItemID: "SKU-\(index + 1)"))
        }
        if lineCount > 1 { builder.addAllowance("10.00", reason: "Korting", vat: .standard, rate: 21) }
        return try! builder.build()  // the lines above are valid by construction
    }
}
