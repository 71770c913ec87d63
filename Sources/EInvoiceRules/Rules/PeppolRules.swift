// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
import EInvoice

/// Peppol BIS Billing 3.0.19 rules on top of its CEN copy: PEPPOL-EN16931-* (transaction rules,
/// restricted code lists) and PEPPOL-COMMON-* (identifier check digits); the national rules are
/// in ``PeppolNationalRules``.
enum PeppolRules {
    static let pattern: Pattern = {
        var p = PatternBuilder("peppol")
        p.rule("/ubl:Invoice|/cn:CreditNote", [
            fatal("PEPPOL-EN16931-R001", "Business process MUST be provided.") { $0.exists("cbc:ProfileID") },
            fatal("PEPPOL-EN16931-R007", "Business process MUST be in the format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0' where NN indicates the process number.") {
                profile($0) != nil
            },
            fatal("PEPPOL-EN16931-R002", "No more than one note is allowed on document level.") {
                $0.count("cbc:Note") <= 1 || (supplierCountry($0) == "DE" && customerCountry($0) == "DE")
            },
            fatal("PEPPOL-EN16931-R003", "A buyer reference or purchase order reference MUST be provided.") {
                $0.exists("cbc:BuyerReference") || $0.exists("cac:OrderReference/cbc:ID")
            },
            fatal("PEPPOL-EN16931-R004", "Specification identifier MUST have the value 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0'.") {
                $0.string("cbc:CustomizationID").normalizedSpace.hasPrefix(Specification.peppolBIS3)
            },
            fatal("PEPPOL-EN16931-R053", "Only one tax total with tax subtotals MUST be provided.") {
                $0.count("cac:TaxTotal") { $0.exists("cac:TaxSubtotal") } == 1
            },
            fatal("PEPPOL-EN16931-R054", "Only one tax total without tax subtotals MUST be provided when tax currency code is provided.") {
                $0.count("cac:TaxTotal") { !$0.exists("cac:TaxSubtotal") } == ($0.exists("cbc:TaxCurrencyCode") ? 1 : 0)
            },
            fatal("PEPPOL-EN16931-R055", "Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST have the same operational sign.") { document in
                guard document.exists("cbc:TaxCurrencyCode") else { return true }
                let taxCurrency = document.string("cbc:TaxCurrencyCode").normalizedSpace
                let documentCurrency = document.string("cbc:DocumentCurrencyCode").normalizedSpace
                let inTax = document.all("cac:TaxTotal/cbc:TaxAmount").filter { $0.attribute("currencyID") == taxCurrency }.compactMap(\.double)
                let inDocument = document.all("cac:TaxTotal/cbc:TaxAmount").filter { $0.attribute("currencyID") == documentCurrency }.compactMap(\.double)
                let bothNonPositive = inTax.contains { $0 <= 0 } && inDocument.contains { $0 <= 0 }
                let bothNonNegative = inTax.contains { $0 >= 0 } && inDocument.contains { $0 >= 0 }
                return bothNonPositive || bothNonNegative
            },
            fatal("PEPPOL-EN16931-R080", "Only one project reference is allowed on document level.") {
                $0.count("cac:AdditionalDocumentReference") { $0.any("cbc:DocumentTypeCode", equals: "50") } <= 1
            },
        ])
        p.rule("cbc:TaxCurrencyCode", [
            fatal("PEPPOL-EN16931-R005", "VAT accounting currency code MUST be different from invoice currency code when provided.") {
                $0.normalized != $0.root.string("cbc:DocumentCurrencyCode").normalizedSpace
            },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party", [
            fatal("PEPPOL-EN16931-R010", "Buyer electronic address MUST be provided.") { $0.exists("cbc:EndpointID") },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party", [
            fatal("PEPPOL-EN16931-R020", "Seller electronic address MUST be provided.") { $0.exists("cbc:EndpointID") },
        ])
        let allowanceContext = "/ubl:Invoice/cac:AllowanceCharge|/ubl:Invoice/cac:InvoiceLine/cac:AllowanceCharge|/cn:CreditNote/cac:AllowanceCharge|/cn:CreditNote/cac:CreditNoteLine/cac:AllowanceCharge"
        p.rule(allowanceContext, where: { $0.exists("cbc:MultiplierFactorNumeric") && !$0.exists("cbc:BaseAmount") }, [
            fatal("PEPPOL-EN16931-R041", "Allowance/charge base amount MUST be provided when allowance/charge percentage is provided.") { _ in false },
        ])
        p.rule(allowanceContext, where: { !$0.exists("cbc:MultiplierFactorNumeric") && $0.exists("cbc:BaseAmount") }, [
            fatal("PEPPOL-EN16931-R042", "Allowance/charge percentage MUST be provided when allowance/charge base amount is provided.") { _ in false },
        ])
        p.rule(allowanceContext, [
            fatal("PEPPOL-EN16931-R040", "Allowance/charge amount must equal base amount * percentage/100 if base amount and percentage exists.") { allowance in
                guard allowance.exists("cbc:MultiplierFactorNumeric"), allowance.exists("cbc:BaseAmount") else { return true }
                guard let base = allowance.decimal("cbc:BaseAmount"), let factor = allowance.decimal("cbc:MultiplierFactorNumeric") else {
                    return false
                }
                let amount = allowance.exists("cbc:Amount") ? allowance.decimal("cbc:Amount") : .zero
                guard let amount, let expected = (base * factor).divided(by: 100, scale: 20) else { return false }
                return slack(expected, amount, "0.02")
            },
            fatal("PEPPOL-EN16931-R043", "Allowance/charge ChargeIndicator value MUST equal 'true' or 'false'.") {
                ["true", "false"].contains($0.string("cbc:ChargeIndicator").normalizedSpace)
            },
        ])
        p.rule("cac:PaymentMeans", where: { $0.any("cbc:PaymentMeansCode", normalizedEquals: "49") || $0.any("cbc:PaymentMeansCode", normalizedEquals: "59") }, [
            fatal("PEPPOL-EN16931-R061", "Mandate reference MUST be provided for direct debit.") { $0.exists("cac:PaymentMandate/cbc:ID") },
        ])
        p.rule("cbc:Amount|cbc:BaseAmount|cbc:PriceAmount|cbc:TaxAmount|cbc:TaxableAmount|cbc:LineExtensionAmount|cbc:TaxExclusiveAmount|cbc:TaxInclusiveAmount|cbc:AllowanceTotalAmount|cbc:ChargeTotalAmount|cbc:PrepaidAmount|cbc:PayableRoundingAmount|cbc:PayableAmount", where: { amount in
            // BT-111, the VAT total in accounting currency, is the one amount in another currency.
            !(amount.name == "TaxAmount" && amount.parent.map { $0.isNamed(.cac, "TaxTotal") && !$0.exists("cac:TaxSubtotal") } == true)
        }, [
            fatal("PEPPOL-EN16931-R051", "All currencyID attributes must have the same value as the invoice currency code (BT-5), except for the invoice total VAT amount in accounting currency (BT-111).") { amount in
                let currency = amount.attribute("currencyID")
                return amount.root.exists("cbc:DocumentCurrencyCode") { $0.stringValue == currency }
            },
        ])
        p.rule("/ubl:Invoice/cac:InvoiceLine/cac:InvoicePeriod/cbc:StartDate|/cn:CreditNote/cac:CreditNoteLine/cac:InvoicePeriod/cbc:StartDate", where: {
            $0.root.exists("cac:InvoicePeriod/cbc:StartDate")
        }, [
            fatal("PEPPOL-EN16931-R110", "Start date of line period MUST be within invoice period.") { start in
                guard let line = LocalDate(start.stringValue), let invoice = LocalDate(start.root.string("cac:InvoicePeriod/cbc:StartDate")) else { return false }
                return line >= invoice
            },
        ])
        p.rule("/ubl:Invoice/cac:InvoiceLine/cac:InvoicePeriod/cbc:EndDate|/cn:CreditNote/cac:CreditNoteLine/cac:InvoicePeriod/cbc:EndDate", where: {
            $0.root.exists("cac:InvoicePeriod/cbc:EndDate")
        }, [
            fatal("PEPPOL-EN16931-R111", "End date of line period MUST be within invoice period.") { end in
                guard let line = LocalDate(end.stringValue), let invoice = LocalDate(end.root.string("cac:InvoicePeriod/cbc:EndDate")) else { return false }
                return line <= invoice
            },
        ])
        p.rule("cac:InvoiceLine|cac:CreditNoteLine", [
            fatal("PEPPOL-EN16931-R120", "Invoice line net amount MUST equal (Invoiced quantity * (Item net price/item price base quantity) + Sum of invoice line charge amount - sum of invoice line allowance amount.") { line in
                lineAmountMatches(line)
            },
            fatal("PEPPOL-EN16931-R121", "Base quantity MUST be a positive number above zero.") {
                !$0.exists("cac:Price/cbc:BaseQuantity") || ($0.decimal("cac:Price/cbc:BaseQuantity").map { $0 > .zero } ?? false)
            },
            fatal("PEPPOL-EN16931-R100", "Only one invoiced object is allowed pr line.") { $0.count("cac:DocumentReference") <= 1 },
            fatal("PEPPOL-EN16931-R101", "Element Document reference can only be used for Invoice line object.") {
                !$0.exists("cac:DocumentReference") || $0.any("cac:DocumentReference/cbc:DocumentTypeCode", equals: "130")
            },
        ])
        p.rule("cac:Price/cac:AllowanceCharge", [
            fatal("PEPPOL-EN16931-R044", "Charge on price level is NOT allowed.") { $0.string("cbc:ChargeIndicator").normalizedSpace == "false" },
            fatal("PEPPOL-EN16931-R046", "Item net price MUST equal (Gross price - Allowance amount) when gross price is provided.") { allowance in
                guard allowance.exists("cbc:BaseAmount") else { return true }
                guard let net = allowance.decimal("../cbc:PriceAmount"), let gross = allowance.decimal("cbc:BaseAmount"),
                    let discount = allowance.decimal("cbc:Amount")
                else { return false }
                return net == gross - discount
            },
        ])
        p.rule("cac:Price/cbc:BaseQuantity", where: { $0.hasAttribute("unitCode") }, [
            fatal("PEPPOL-EN16931-R130", "Unit code of price base quantity MUST be same as invoiced quantity.") { base in
                let quantities = base.all("../../cbc:InvoicedQuantity|cbc:CreditedQuantity")
                guard !quantities.isEmpty else { return true }
                let ownName = base.root.name == "Invoice" ? "InvoicedQuantity" : "CreditedQuantity"
                let unit = base.attribute("unitCode")
                return quantities.contains { $0.name == ownName && $0.attribute("unitCode") == unit }
            },
        ])
        for check in IdentifierCheck.all {
            p.rule("cbc:EndpointID|cac:PartyIdentification/cbc:ID|cbc:CompanyID", where: { $0.attribute("schemeID") == check.scheme }, [
                Assertion(id: check.id, flag: check.flag, message: check.message) { check.test($0.normalized) },
            ])
        }
        let vatex: [(String, String, String)] = [
            ("PEPPOL-EN16931-P0104", "VATEX-EU-G", "G"), ("PEPPOL-EN16931-P0105", "VATEX-EU-O", "O"),
            ("PEPPOL-EN16931-P0106", "VATEX-EU-IC", "K"), ("PEPPOL-EN16931-P0107", "VATEX-EU-AE", "AE"),
            ("PEPPOL-EN16931-P0108", "VATEX-EU-D", "E"), ("PEPPOL-EN16931-P0109", "VATEX-EU-F", "E"),
            ("PEPPOL-EN16931-P0110", "VATEX-EU-I", "E"), ("PEPPOL-EN16931-P0111", "VATEX-EU-J", "E"),
        ]
        for (id, code, category) in vatex {
            p.rule("cac:TaxCategory", where: { $0.exists("cbc:TaxExemptionReasonCode") { $0.stringValue.uppercased().normalizedSpace == code } }, [
                fatal(id, "Tax Category \(category) MUST be used when exemption reason code is \(code).") { $0.categoryID == category },
            ])
        }
        return p.pattern
    }()

    /// Empty elements are fatal in Peppol (its own pattern, so every element is checked).
    static let emptyElementPattern: Pattern = {
        var p = PatternBuilder("peppol-empty")
        p.rule(anyElement: { $0.isEmptyLeaf }, [
            fatal("PEPPOL-EN16931-R008", "Document MUST not contain empty elements.") { _ in false },
        ])
        return p.pattern
    }()

    /// Restricted code lists and formats (PEPPOL-EN16931-CL*, -P0100/P0101/P0112, -F001).
    static let codePattern: Pattern = {
        var p = PatternBuilder("peppol-codes")
        p.rule("cbc:EmbeddedDocumentBinaryObject", where: { $0.hasAttribute("mimeCode") }, [
            fatal("PEPPOL-EN16931-CL001", "Mime code must be according to subset of IANA code list.") { CodeLists.mimeCodes.contains($0.attribute("mimeCode") ?? "") },
        ])
        p.rule("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", where: { $0.parent?.any("cbc:ChargeIndicator", equals: "false") == true }, [
            fatal("PEPPOL-EN16931-CL002", "Reason code MUST be according to subset of UNCL 5189 D.16B.") { peppolAllowanceReasons.contains($0.normalized) },
        ])
        p.rule("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", where: { $0.parent?.any("cbc:ChargeIndicator", equals: "true") == true }, [
            fatal("PEPPOL-EN16931-CL003", "Reason code MUST be according to UNCL 7161 D.16B.") { CodeLists.chargeReasonCodes.contains($0.normalized) },
        ])
        p.rule("cac:InvoicePeriod/cbc:DescriptionCode", [
            fatal("PEPPOL-EN16931-CL006", "Invoice period description code must be according to UNCL 2005 D.16B.") { CodeLists.vatPointDateCodes.contains($0.normalized) },
        ])
        p.rule("cbc:Amount|cbc:BaseAmount|cbc:PriceAmount|cbc:TaxAmount|cbc:TaxableAmount|cbc:LineExtensionAmount|cbc:TaxExclusiveAmount|cbc:TaxInclusiveAmount|cbc:AllowanceTotalAmount|cbc:ChargeTotalAmount|cbc:PrepaidAmount|cbc:PayableRoundingAmount|cbc:PayableAmount", [
            fatal("PEPPOL-EN16931-CL007", "Currency code must be according to ISO 4217:2005.") { CodeLists.currencies.contains($0.attribute("currencyID") ?? "") },
        ])
        p.rule("cbc:InvoiceTypeCode", [
            fatal("PEPPOL-EN16931-P0100", "Invoice type code MUST be set according to the profile.") { code in
                profile(code.root) != "01" || peppolInvoiceTypes.contains(code.normalized)
            },
            fatal("PEPPOL-EN16931-P0112", "Invoice type code 326 or 384 are only allowed when both buyer and seller are German.") { code in
                guard ["326", "384"].contains(code.normalized) else { return true }
                return supplierCountry(code.root) == "DE" && customerCountry(code.root) == "DE"
            },
        ])
        p.rule("cbc:CreditNoteTypeCode", [
            fatal("PEPPOL-EN16931-P0101", "Credit note type code MUST be set according to the profile.") { code in
                profile(code.root) != "01" || ["381", "396", "81", "83", "532"].contains(code.normalized)
            },
        ])
        p.rule("cbc:IssueDate|cbc:DueDate|cbc:TaxPointDate|cbc:StartDate|cbc:EndDate|cbc:ActualDeliveryDate", [
            fatal("PEPPOL-EN16931-F001", "A date MUST be formatted YYYY-MM-DD.") { $0.text.xpathLength == 10 && LocalDate($0.stringValue) != nil },
        ])
        p.rule("cbc:EndpointID", where: { $0.hasAttribute("schemeID") }, [
            fatal("PEPPOL-EN16931-CL008", "Electronic address identifier scheme must be from the codelist \"Electronic Address Identifier Scheme\".") {
                peppolEAS.contains($0.attribute("schemeID") ?? "")
            },
        ])
        return p.pattern
    }()

    /// `$profile`: the process number NN of `urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0`, nil when unknown.
    static func profile(_ document: Node) -> String? {
        let id = document.string("cbc:ProfileID").normalizedSpace
        guard id.range(of: #"urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0"#, options: .regularExpression) != nil else { return nil }
        let parts = id.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 6 ? String(parts[6]) : nil
    }

    /// `$supplierCountry`: the VAT number prefix, else the tax representative's, else the postal country.
    static func supplierCountry(_ document: Node) -> String {
        if let vat = vatPrefix(document, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme") { return vat }
        if let vat = vatPrefix(document, "cac:TaxRepresentativeParty/cac:PartyTaxScheme") { return vat }
        return postalCountry(document) ?? "XX"
    }

    static func customerCountry(_ document: Node) -> String {
        if let vat = vatPrefix(document, "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme") { return vat }
        return postalCountry(document, customer: true) ?? "XX"
    }

    /// The upper-cased country prefix of the VAT number among the party tax schemes at `path`.
    static func vatPrefix(_ document: Node, _ path: StaticString) -> String? {
        guard let prefix = vatCompanyID(document.all(path))?.prefix(2), !prefix.isEmpty else { return nil }
        return String(prefix).normalizedSpace.uppercased()
    }

    /// `cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']/cbc:CompanyID` of the first such scheme
    /// ("" when it has none), nil when no scheme is VAT.
    static func vatCompanyID(_ schemes: [Node]) -> String? {
        schemes.first { $0.any("cac:TaxScheme/cbc:ID", equals: "VAT") }?.string("cbc:CompanyID")
    }

    /// The supplier's (with `customer`, the customer's) postal country code as written; nil when absent.
    static func postalCountryCode(_ node: Node, customer: Bool = false) -> String? {
        let root = node.root
        let code = customer
            ? root.first("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
            : root.first("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
        return code?.stringValue
    }

    /// The same, normalized and upper-cased, as `$supplierCountry` and the Dutch rules read it.
    static func postalCountry(_ node: Node, customer: Bool = false) -> String? {
        postalCountryCode(node, customer: customer).map { $0.normalizedSpace.uppercased() }
    }

    /// `u:slack`: `value` within ± `slack` of `expected`.
    static func slack(_ expected: DecimalNumber, _ value: DecimalNumber, _ slack: DecimalNumber) -> Bool {
        expected + slack >= value && expected - slack <= value
    }

    /// PEPPOL-EN16931-R120: quantity × (price ÷ base quantity) + charges − allowances, ± 0.02.
    static func lineAmountMatches(_ line: Node) -> Bool {
        let lineAmount = line.exists("cbc:LineExtensionAmount") ? line.decimal("cbc:LineExtensionAmount") : .zero
        let quantityName: StaticString = line.root.name == "Invoice" ? "cbc:InvoicedQuantity" : "cbc:CreditedQuantity"
        let quantity = line.exists(quantityName) ? line.decimal(quantityName) : DecimalNumber(1)
        let price = line.exists("cac:Price/cbc:PriceAmount") ? line.decimal("cac:Price/cbc:PriceAmount") : .zero
        var base = DecimalNumber(1)
        if line.exists("cac:Price/cbc:BaseQuantity") {
            guard let value = line.decimal("cac:Price/cbc:BaseQuantity") else { return false }
            if !value.isZero { base = value }
        }
        guard let lineAmount, let quantity, let price else { return false }
        func total(charge: Bool) -> DecimalNumber? {
            let matching = line.all("cac:AllowanceCharge").filter { $0.string("cbc:ChargeIndicator").normalizedSpace == (charge ? "true" : "false") }
            guard !matching.isEmpty else { return .zero }
            var sum = DecimalNumber.zero
            for allowance in matching {
                for amount in allowance.all("cbc:Amount") {
                    guard let value = amount.decimal else { return nil }
                    sum += value
                }
            }
            return XPathNumber.round2(sum)
        }
        guard let charges = total(charge: true), let allowances = total(charge: false),
            let unitPrice = price.divided(by: base, scale: 18)
        else { return false }
        return slack(lineAmount, quantity * unitPrice + charges - allowances, "0.02")
    }

    static let peppolInvoiceTypes: Set<String> = [
        "71", "80", "82", "84", "102", "218", "219", "326", "331", "380", "382", "383", "384", "386", "388", "393", "395",
        "553", "575", "623", "780", "817", "870", "875", "876", "877",
    ]
    static let peppolAllowanceReasons: Set<String> = CodeLists.allowanceReasonCodes.union(["105"])
    static let peppolEAS: Set<String> = [
        "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142", "0151", "0183", "0184",
        "0188", "0190", "0191", "0192", "0193", "0195", "0196", "0198", "0199", "0200", "0201", "0202", "0204", "0208", "0209",
        "0210", "0211", "0212", "0213", "0215", "0216", "0218", "0221", "0230", "9901", "9910", "9913", "9914", "9915", "9918",
        "9919", "9920", "9922", "9923", "9924", "9925", "9926", "9927", "9928", "9929", "9930", "9931", "9932", "9933", "9934",
        "9935", "9936", "9937", "9938", "9939", "9940", "9941", "9942", "9943", "9944", "9945", "9946", "9947", "9948", "9949",
        "9950", "9951", "9952", "9953", "9957", "9959",
    ]
}

/// PEPPOL-COMMON-R040 … R050: identifier formats and check digits per ISO 6523 scheme.
struct IdentifierCheck: Sendable {
    let id: String
    let scheme: String
    let flag: Finding.Flag
    let message: String
    let test: @Sendable (String) -> Bool

    static let all: [IdentifierCheck] = [
        IdentifierCheck(id: "PEPPOL-COMMON-R040", scheme: "0088", flag: .fatal, message: "GLN must have a valid format according to GS1 rules.") {
            !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) && gs1($0)
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R041", scheme: "0192", flag: .fatal, message: "Norwegian organization number MUST be stated in the correct format.") {
            $0.count == 9 && $0.allSatisfy(\.isASCIIDigit) && mod11($0)
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R042", scheme: "0184", flag: .fatal, message: "Danish organization number (CVR) MUST be stated in the correct format.") { value in
            let digits = value.hasPrefix("DK") ? String(value.dropFirst(2)) : value
            return digits.count == 8 && digits.allSatisfy(\.isASCIIDigit)
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R043", scheme: "0208", flag: .fatal, message: "Belgian enterprise number MUST be stated in the correct format.") { value in
            guard value.count == 10, value.allSatisfy(\.isASCIIDigit), let base = Int(value.prefix(8)), let check = Int(value.suffix(2)) else { return false }
            return 97 - base % 97 == check
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R044", scheme: "0201", flag: .warning, message: "IPA Code (Codice Univoco Unità Organizzativa) must be stated in the correct format.") {
            $0.count == 6 && $0.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter }
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R045", scheme: "0210", flag: .warning, message: "Tax Code (Codice Fiscale) must be stated in the correct format.") {
            italianTaxCode($0)
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R046", scheme: "9907", flag: .warning, message: "Tax Code (Codice Fiscale) must be stated in the correct format.") {
            italianTaxCode($0)
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R047", scheme: "0211", flag: .warning, message: "Italian VAT Code (Partita Iva) must be stated in the correct format.") { value in
            let digits = value.hasPrefix("IT") ? String(value.dropFirst(2)) : value
            return digits.count == 11 && digits.allSatisfy(\.isASCIIDigit)
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R049", scheme: "0007", flag: .fatal, message: "Swedish organization number MUST be stated in the correct format.") {
            $0.count == 10 && $0.allSatisfy(\.isASCIIDigit) && luhn($0)
        },
        IdentifierCheck(id: "PEPPOL-COMMON-R050", scheme: "0151", flag: .fatal, message: "Australian Business Number (ABN) MUST be stated in the correct format.") {
            $0.count == 11 && $0.allSatisfy(\.isASCIIDigit) && abn($0)
        },
    ]

    /// GS1 mod 10 over all digits but the last.
    static func gs1(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard let check = values.last else { return false }
        var sum = 0
        for (offset, value) in values.dropLast().reversed().enumerated() { sum += value * (offset % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10 == check
    }

    /// Norwegian mod 11 (weights 2…7 from the right), as Peppol's `u:mod11`.
    static func mod11(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard let check = values.last, values.count == digits.count, (Int(digits) ?? 0) > 0 else { return false }
        var sum = 0
        for (offset, value) in values.dropLast().reversed().enumerated() { sum += value * (offset % 6 + 2) }
        return (11 - sum % 11) % 11 == check
    }

    static func luhn(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        var sum = 0
        for (offset, value) in values.reversed().enumerated() {
            let doubled = offset % 2 == 1 ? value * 2 : value
            sum += doubled > 9 ? doubled - 9 : doubled
        }
        return sum % 10 == 0
    }

    /// Australian Business Number: subtract 1 from the first digit, weights 10,1,3,…,19, mod 89.
    static func abn(_ digits: String) -> Bool {
        var values = digits.compactMap(\.wholeNumberValue)
        guard values.count == 11 else { return false }
        values[0] -= 1
        let weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
        return zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 } % 89 == 0
    }

    /// 11 digits (a company's Codice Fiscale) or 16 characters (a person's).
    static func italianTaxCode(_ value: String) -> Bool {
        (value.count == 11 && value.allSatisfy(\.isASCIIDigit))
            || (value.count == 16 && value.allSatisfy { $0.isASCIIDigit || ($0.isASCIILetter && $0.isUppercase) })
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}
