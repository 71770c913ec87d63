// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
import EInvoice

/// The national rules of Peppol BIS Billing 3.0, one pattern per country as the official
/// artifact has them (Norway, Denmark, Italy, Sweden, Greece — sender, then sender and receiver —,
/// Iceland, the Netherlands). Each applies only when the supplier (and for some rules the
/// customer) is of that country, by the country the rule itself looks at.
enum PeppolNationalRules {
    static var patterns: [Pattern] { [norway, denmark, italy, sweden, greekSender, greekSenderAndReceiver, iceland, netherlands] }

    // MARK: Norway

    static let norway: Pattern = {
        var p = PatternBuilder("peppol-no")
        let no: @Sendable (Node) -> Bool = { PeppolRules.supplierCountry($0.root) == "NO" }
        p.rule("cac:AccountingSupplierParty/cac:Party", where: no, [
            warning("NO-R-002", "For Norwegian suppliers, most invoice issuers are required to append \"Foretaksregisteret\" to their invoice.") {
                $0.exists("cac:PartyTaxScheme") { $0.string("cac:TaxScheme/cbc:ID").normalizedSpace == "TAX" && $0.string("cbc:CompanyID").normalizedSpace == "Foretaksregisteret" }
            },
            fatal("NO-R-001", "For Norwegian suppliers, a VAT number MUST be the country code prefix NO followed by a valid Norwegian organization number (nine numbers) followed by the letters MVA.") { party in
                guard let vat = party.all("cac:PartyTaxScheme").first(where: { $0.string("cac:TaxScheme/cbc:ID").normalizedSpace == "VAT" })?.string("cbc:CompanyID"),
                    vat.hasPrefix("NO")
                else { return true }
                let rest = vat.dropFirst(2)
                return rest.count == 12 && rest.hasSuffix("MVA") && rest.prefix(9).allSatisfy(\.isASCIIDigit)
                    && IdentifierCheck.mod11(String(rest.prefix(9)))
            },
        ])
        return p.pattern
    }()

    // MARK: Denmark

    static let denmark: Pattern = {
        var p = PatternBuilder("peppol-dk")
        let dkSupplier: @Sendable (Node) -> Bool = { PeppolRules.postalCountryCode($0) == "DK" }
        let dkBoth: @Sendable (Node) -> Bool = { dkSupplier($0) && PeppolRules.postalCountryCode($0, customer: true) == "DK" }
        p.rule("/ubl:Invoice|/cn:CreditNote", where: dkSupplier, [
            fatal("DK-R-002", "Danish suppliers MUST provide legal entity (CVR-number).") {
                !$0.string("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID").normalizedSpace.isEmpty
            },
            fatal("DK-R-014", "For Danish Suppliers it is mandatory to specify schemeID as \"0184\" (DK CVR-number) when PartyLegalEntity/CompanyID is used for AccountingSupplierParty.") {
                guard let id = $0.first("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID") else { return true }
                return (id.attribute("schemeID") ?? "").normalizedSpace == "0184"
            },
            fatal("DK-R-016", "For Danish Suppliers, a Credit note cannot have a negative total (PayableAmount).") { document in
                guard document.namespace == .cn, PeppolRules.postalCountryCode(document, customer: true) == "DK" else { return true }
                return !(XPathNumber.double(document.string("cac:LegalMonetaryTotal/cbc:PayableAmount")).map { $0 < 0 } ?? false)
            },
        ])
        p.rule("/ubl:Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification|/ubl:Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification|/cn:CreditNote/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification|/cn:CreditNote/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification", where: dkBoth, [
            fatal("DK-R-013", "For Danish Suppliers it is mandatory to use schemeID when PartyIdentification/ID is used for AccountingCustomerParty or AccountingSupplierParty.") {
                guard let id = $0.first("cbc:ID") else { return true }
                return !(id.attribute("schemeID") ?? "").normalizedSpace.isEmpty
            },
        ])
        p.rule("/ubl:Invoice/cac:PaymentMeans", where: dkBoth, [
            fatal("DK-R-005", "For Danish suppliers the following Payment means codes are allowed: 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 and 97.") { means in
                " 1 10 31 42 48 49 50 58 59 93 97 ".contains(" \(means.string("cbc:PaymentMeansCode")) ")
            },
            fatal("DK-R-006", "For Danish suppliers bank account and registration account is mandatory if payment means is 31 or 42.") { means in
                guard means.any("cbc:PaymentMeansCode", equals: "31") || means.any("cbc:PaymentMeansCode", equals: "42") else { return true }
                return !means.string("cac:PayeeFinancialAccount/cbc:ID").normalizedSpace.isEmpty
                    && !means.string("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID").normalizedSpace.isEmpty
            },
            fatal("DK-R-007", "For Danish suppliers PaymentMandate/ID and PayerFinancialAccount/ID are mandatory when payment means is 49.") { means in
                guard means.any("cbc:PaymentMeansCode", equals: "49") else { return true }
                return !means.string("cac:PaymentMandate/cbc:ID").normalizedSpace.isEmpty
                    && !means.string("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID").normalizedSpace.isEmpty
            },
            fatal("DK-R-008", "For Danish Suppliers PaymentID is mandatory and MUST start with 01#, 04# or 15# (kortartkode), and PayeeFinancialAccount/ID (Giro kontonummer) is mandatory and must be 7 characters long, when payment means equals 50 (Giro).") { means in
                guard means.any("cbc:PaymentMeansCode", equals: "50") else { return true }
                return ["01#", "04#", "15#"].contains(paymentIDPrefix(means)) && means.string("cac:PayeeFinancialAccount/cbc:ID").xpathLength == 7
            },
            fatal("DK-R-009", "For Danish Suppliers if the PaymentID is prefixed with 04# or 15# the 16 digits instruction Id must be added to the PaymentID eg. \"04#1234567890123456\" when Payment means equals 50 (Giro).") { means in
                guard means.any("cbc:PaymentMeansCode", equals: "50"), ["04#", "15#"].contains(paymentIDPrefix(means)) else { return true }
                return means.string("cbc:PaymentID").xpathLength == 19
            },
            fatal("DK-R-010", "For Danish Suppliers the PaymentID is mandatory and MUST start with 71#, 73# or 75# (kortartkode) and PayeeFinancialAccount/ID (Kreditornummer) is mandatory and must be exactly 8 characters long, when Payment means equals 93 (FIK).") { means in
                guard means.any("cbc:PaymentMeansCode", equals: "93") else { return true }
                return ["71#", "73#", "75#"].contains(paymentIDPrefix(means)) && means.string("cac:PayeeFinancialAccount/cbc:ID").xpathLength == 8
            },
            fatal("DK-R-011", "For Danish Suppliers if the PaymentID is prefixed with 71# or 75# the 15-16 digits instruction Id must be added to the PaymentID eg. \"71#1234567890123456\" when payment Method equals 93 (FIK).") { means in
                guard means.any("cbc:PaymentMeansCode", equals: "93"), ["71#", "75#"].contains(paymentIDPrefix(means)) else { return true }
                return [18, 19].contains(means.string("cbc:PaymentID").xpathLength)
            },
        ])
        p.rule("/ubl:Invoice/cac:InvoiceLine|/cn:CreditNote/cac:CreditNoteLine", where: dkBoth, [
            warning("DK-R-003", "If ItemClassification is provided from Danish suppliers, UNSPSC version 19.0501 should be used.") { line in
                let codes = line.all("cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode")
                guard codes.contains(where: { $0.attribute("listID") == "TST" }) else { return true }
                return codes.contains { ["19.05.01", "19.0501"].contains($0.attribute("listVersionID") ?? "") }
            },
        ])
        p.rule("cac:AllowanceCharge", where: dkBoth, [
            fatal("DK-R-004", "When specifying non-VAT Taxes for Danish customers, Danish suppliers MUST use the AllowanceChargeReasonCode=\"ZZZ\" and the 4-digit Tax category MUST be specified in AllowanceChargeReason.") { charge in
                guard charge.any("cbc:AllowanceChargeReasonCode", equals: "ZZZ") else { return true }
                let reason = charge.string("cbc:AllowanceChargeReason")
                guard reason.normalizedSpace.xpathLength == 4, let number = XPathNumber.double(reason) else { return false }
                return number >= 0 && number <= 9999
            },
        ])
        return p.pattern
    }()

    /// `substring(cbc:PaymentID, 1, 3)`.
    private static func paymentIDPrefix(_ means: Node) -> String { String(means.string("cbc:PaymentID").prefix(3)) }

    // MARK: Italy

    static let italy: Pattern = {
        var p = PatternBuilder("peppol-it")
        let it: @Sendable (Node) -> Bool = { PeppolRules.supplierCountry($0.root) == "IT" }
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", where: { it($0) && $0.string("cac:TaxScheme/cbc:ID").normalizedSpace != "VAT" }, [
            fatal("IT-R-001", "[IT-R-001] BT-32 (Seller tax registration identifier) - For Italian suppliers BT-32 minimum length 11 and maximum length shall be 16.") { scheme in
                let id = scheme.string("cbc:CompanyID").normalizedSpace
                return (11...16).contains(id.utf8.count) && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party", where: it, [
            fatal("IT-R-002", "[IT-R-002] BT-35 (Seller address line 1) - Italian suppliers MUST provide the postal address line 1.") { $0.exists("cac:PostalAddress/cbc:StreetName") },
            fatal("IT-R-003", "[IT-R-003] BT-37 (Seller city) - Italian suppliers MUST provide the postal address city.") { $0.exists("cac:PostalAddress/cbc:CityName") },
            fatal("IT-R-004", "[IT-R-004] BT-38 (Seller post code) - Italian suppliers MUST provide the postal address post code.") { $0.exists("cac:PostalAddress/cbc:PostalZone") },
        ])
        return p.pattern
    }()

    // MARK: Sweden

    /// A Swedish supplier by postal address (`//cac:AccountingSupplierParty/cac:Party[… = 'SE']`).
    private static func swedishSupplier(_ node: Node) -> Bool {
        node.root.exists("//cac:AccountingSupplierParty/cac:Party") { $0.any("cac:PostalAddress/cac:Country/cbc:IdentificationCode", equals: "SE") }
    }

    /// … which also has a VAT number starting with SE.
    private static func swedishVATSupplier(_ party: Node) -> Bool {
        party.any("cac:PostalAddress/cac:Country/cbc:IdentificationCode", equals: "SE")
            && party.exists("cac:PartyTaxScheme") { $0.any("cac:TaxScheme/cbc:ID", equals: "VAT") && $0.string("cbc:CompanyID").hasPrefix("SE") }
    }

    static func swedishVAT(_ party: Node) -> String { PeppolRules.vatCompanyID(party.all("cac:PartyTaxScheme")) ?? "" }

    static let sweden: Pattern = {
        var p = PatternBuilder("peppol-se")
        p.rule("cac:AccountingSupplierParty/cac:Party", where: { swedishVATSupplier($0) }, [
            fatal("SE-R-001", "For Swedish suppliers, Swedish VAT-numbers must consist of 14 characters.") {
                swedishVAT($0).normalizedSpace.xpathLength == 14
            },
            fatal("SE-R-002", "For Swedish suppliers, the Swedish VAT-numbers must have the trailing 12 characters in numeric form.") {
                XPathNumber.isNumber(String(swedishVAT($0).dropFirst(2).prefix(12)))
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity", where: {
            $0.exists("cbc:CompanyID") && $0.parent?.any("cac:PostalAddress/cac:Country/cbc:IdentificationCode", equals: "SE") == true
        }, [
            warning("SE-R-003", "Swedish organisation numbers should be numeric.") { XPathNumber.isNumber($0.string("cbc:CompanyID")) },
            warning("SE-R-004", "Swedish organisation numbers consist of 10 characters.") { $0.string("cbc:CompanyID").normalizedSpace.xpathLength == 10 },
            warning("SE-R-013", "The last digit of a Swedish organization number must be valid according to the Luhn algorithm.") {
                swedishOrganisationNumber($0.string("cbc:CompanyID").normalizedSpace)
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", where: { id in
            guard let scheme = id.parent, let party = scheme.parent else { return false }
            return party.any("cac:PostalAddress/cac:Country/cbc:IdentificationCode", equals: "SE") && party.exists("cac:PartyLegalEntity/cbc:CompanyID")
                && scheme.string("cac:TaxScheme/cbc:ID").uppercased().normalizedSpace != "VAT"
        }, [
            fatal("SE-R-005", "For Swedish suppliers, when using Seller tax registration identifier, 'Godkänd för F-skatt' must be stated.") {
                $0.stringValue.uppercased().normalizedSpace == "GODKÄND FÖR F-SKATT"
            },
        ])
        p.rule("cac:TaxCategory|cac:ClassifiedTaxCategory", where: { category in
            category.any("cbc:ID", equals: "S") && category.root.exists("//cac:AccountingSupplierParty/cac:Party") { swedishVATSupplier($0) }
        }, [
            fatal("SE-R-006", "For Swedish suppliers, only standard VAT rate of 6, 12 or 25 are used.") { category in
                guard let rate = XPathNumber.double(category.string("cbc:Percent")) else { return false }
                return rate == 25 || rate == 12 || rate == 6
            },
        ])
        p.rule("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", where: { giro($0, "SE:PLUSGIRO") }, [
            warning("SE-R-007", "For Swedish suppliers using Plusgiro, the Account ID must be numeric.") { XPathNumber.isNumber($0.normalized) },
            warning("SE-R-010", "For Swedish suppliers using Plusgiro, the Account ID must have 2-8 characters.") { (2...8).contains($0.normalized.xpathLength) },
        ])
        p.rule("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", where: { giro($0, "SE:BANKGIRO") }, [
            warning("SE-R-008", "For Swedish suppliers using Bankgiro, the Account ID must be numeric.") { XPathNumber.isNumber($0.normalized) },
            warning("SE-R-009", "For Swedish suppliers using Bankgiro, the Account ID must have 7-8 characters.") { [7, 8].contains($0.normalized.xpathLength) },
        ])
        p.rule("cac:PaymentMeans", where: { means in
            swedishSupplier(means) && (means.any("cbc:PaymentMeansCode", equals: "50") || means.any("cbc:PaymentMeansCode", equals: "56"))
        }, [
            warning("SE-R-011", "For Swedish suppliers using Swedish Bankgiro or Plusgiro, the proper way to indicate this is to use Code 30 for PaymentMeans and FinancialInstitutionBranch ID with code SE:BANKGIRO or SE:PLUSGIRO.") { _ in false },
        ])
        p.rule("cac:PaymentMeans", where: { means in
            swedishSupplier(means) && means.any("cbc:PaymentMeansCode", equals: "31")
                && means.root.exists("//cac:AccountingCustomerParty/cac:Party") { $0.any("cac:PostalAddress/cac:Country/cbc:IdentificationCode", equals: "SE") }
        }, [
            warning("SE-R-012", "For domestic transactions between Swedish trading partners, credit transfer should be indicated by PaymentMeansCode=\"30\".") { _ in false },
        ])
        return p.pattern
    }()

    /// The account id of a Swedish supplier's payment means 30 through `branch` (SE:PLUSGIRO, SE:BANKGIRO).
    private static func giro(_ id: Node, _ branch: String) -> Bool {
        guard let means = id.parent?.parent, swedishSupplier(id) else { return false }
        return means.string("cbc:PaymentMeansCode").normalizedSpace == "30"
            && means.string("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID").normalizedSpace == branch
    }

    /// `u:checkSEOrgnr`: all digits, and the tenth is the Luhn check digit of the first nine.
    static func swedishOrganisationNumber(_ number: String) -> Bool {
        let digits = number.utf8.map { Int($0) - 0x30 }
        guard !digits.isEmpty, digits.allSatisfy({ (0...9).contains($0) }), digits.count >= 10 else { return false }
        let main = digits.prefix(9)
        var sum = 0
        for (position, digit) in main.reversed().enumerated() {
            sum += position % 2 == 0 ? (digit * 2) % 10 + (digit * 2) / 10 : digit
        }
        return (10 - sum % 10) % 10 == digits[9]
    }

    // MARK: Greece

    /// `$isGreekSender`: the supplier country (VAT prefix, tax representative, postal) is GR or EL.
    private static func greekSender(_ node: Node) -> Bool { ["GR", "EL"].contains(PeppolRules.supplierCountry(node.root)) }

    private static func greekReceiver(_ node: Node) -> Bool { ["GR", "EL"].contains(PeppolRules.customerCountry(node.root)) }

    /// `u:TinVerification`: nine digits, the last a check digit (weights 256 … 2, mod 11, mod 10).
    static func greekTIN(_ value: Substring) -> Bool {
        let digits = Array(value.utf8.prefix(9)).map { Int($0) - 0x30 }
        guard digits.count == 9, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        var checksum = 0
        for (index, digit) in digits.prefix(8).enumerated() { checksum += digit << (8 - index) }
        return checksum % 11 % 10 == digits[8]
    }

    /// The VAT CompanyID of a party (`cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT']/cbc:CompanyID`), when there is exactly one.
    private static func greekVATNumberValid(_ party: Node) -> Bool {
        let ids = party.all("cac:PartyTaxScheme").filter { $0.string("cac:TaxScheme/cbc:ID").normalizedSpace == "VAT" }.flatMap { $0.all("cbc:CompanyID") }
        guard ids.count == 1 else { return false }
        let id = ids[0].stringValue
        return id.hasPrefix("EL") && greekTIN(id.dropFirst(2))
    }

    /// GR-R-001-*: the invoice number `TIN|date|number|type|…|…`.
    static let greekSender: Pattern = {
        var p = PatternBuilder("peppol-gr")
        p.rule("/ubl:Invoice/cbc:ID|/cn:CreditNote/cbc:ID", where: { greekSender($0) }, [
            fatal("GR-R-001-1", "When the Supplier is Greek, the Invoice Id should consist of 6 segments.") { segments($0).count == 6 },
            fatal("GR-R-001-2", "When the Supplier is Greek, the Invoice Id first segment must be a valid TIN Number and match either the Supplier's or the Tax Representative's Tin Number.") { id in
                guard let tin = segments(id).first, tin.normalizedSpace.xpathLength == 9, greekTIN(Substring(tin)) else { return false }
                let vatNumbers = id.root.all("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme") + id.root.all("cac:TaxRepresentativeParty/cac:PartyTaxScheme")
                return vatNumbers.contains { scheme in
                    scheme.any("cac:TaxScheme/cbc:ID", equals: "VAT") && String(scheme.string("cbc:CompanyID").dropFirst(2).prefix(9)) == tin
                }
            },
            fatal("GR-R-001-3", "When the Supplier is Greek, the Invoice Id second segment must be a valid Date that matches the invoice Issue Date.") { id in
                let parts = segments(id)
                guard parts.count > 1, !parts[1].normalizedSpace.isEmpty, greekDatePattern(parts[1]) else { return false }
                let date = parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                let issue = id.root.string("cbc:IssueDate").split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                return date.count >= 3 && issue.count >= 3 && date[0] == issue[2] && date[1] == issue[1] && date[2] == issue[0]
            },
            fatal("GR-R-001-4", "When Supplier is Greek, the Invoice Id third segment must be a positive integer.") { id in
                let parts = segments(id)
                guard parts.count > 2, !parts[2].normalizedSpace.isEmpty, XPathNumber.isNumber(parts[2]) else { return false }
                // xs:integer(): optional sign, digits (a fraction makes the official XSLT stop: fired).
                let text = parts[2].normalizedSpace
                let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
                guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return false }
                return text.first != "-" || digits.allSatisfy { $0 == "0" }
            },
            fatal("GR-R-001-5", "When Supplier is Greek, the Invoice Id in the fourth segment must be a valid greek document type.") { id in
                let parts = segments(id)
                return parts.count > 3 && !parts[3].normalizedSpace.isEmpty && ["1.1", "1.6", "2.1", "2.4", "5.1", "5.2"].contains(parts[3])
            },
            fatal("GR-R-001-6", "When Supplier is Greek, the Invoice Id fifth segment must not be empty.") { id in
                let parts = segments(id)
                return parts.count > 4 && !parts[4].isEmpty
            },
            fatal("GR-R-001-7", "When Supplier is Greek, the Invoice Id sixth segment must not be empty.") { id in
                let parts = segments(id)
                return parts.count > 5 && !parts[5].isEmpty
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party", where: { greekSender($0) }, [
            fatal("GR-R-002", "Greek Suppliers must provide their full name as they are registered in the Greek Business Registry (G.E.MH.) as a legal entity or in the Tax Registry as a natural person.") {
                !$0.string("cac:PartyName/cbc:Name").isEmpty
            },
            warning("GR-S-011", "Greek suppliers must provide their Seller Tax Registration Number, prefixed by the country code.") { greekVATNumberValid($0) },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", where: { id in
            greekSender(id) && id.parent?.string("cac:TaxScheme/cbc:ID").normalizedSpace == "VAT"
        }, [
            fatal("GR-R-003", "For the Greek Suppliers, the VAT must start with 'EL' and must be a valid TIN number.") { id in
                let value = id.stringValue
                return value.hasPrefix("EL") && greekTIN(value.dropFirst(2))
            },
        ])
        let greekPostal: @Sendable (Node) -> Bool = { node in
            greekSender(node) && node.root.any("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode", equals: "GR")
        }
        p.rule("/ubl:Invoice|/cn:CreditNote", where: greekPostal, [
            fatal("GR-R-004-1", "When Supplier is Greek, there must be one MARK Number.") { $0.count("cac:AdditionalDocumentReference") { $0.any("cbc:DocumentDescription", equals: "##M.AR.K##") } == 1 },
            warning("GR-S-008-1", "When Supplier is Greek, there should be one invoice url.") { $0.count("cac:AdditionalDocumentReference") { $0.any("cbc:DocumentDescription", equals: "##INVOICE|URL##") } == 1 },
            fatal("GR-R-008-2", "When Supplier is Greek, there should be no more than one invoice url.") { $0.count("cac:AdditionalDocumentReference") { $0.any("cbc:DocumentDescription", equals: "##INVOICE|URL##") } <= 1 },
        ])
        p.rule("cac:AdditionalDocumentReference/cbc:ID", where: { id in
            greekPostal(id) && id.parent?.any("cbc:DocumentDescription", equals: "##M.AR.K##") == true
        }, [
            fatal("GR-R-004-2", "When Supplier is Greek, the MARK Number must be a positive integer.") { id in
                // matches(., '^[1-9]([0-9]*)'): begins with a digit 1 … 9.
                guard let first = id.stringValue.utf8.first else { return false }
                return first >= 0x31 && first <= 0x39
            },
        ])
        p.rule("cac:AdditionalDocumentReference", where: { greekSender($0) && $0.any("cbc:DocumentDescription", equals: "##INVOICE|URL##") }, [
            fatal("GR-R-008-3", "When Supplier is Greek and the INVOICE URL Document reference exists, the External Reference URI should be present.") {
                !$0.string("cac:Attachment/cac:ExternalReference/cbc:URI").normalizedSpace.isEmpty
            },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party", where: { greekSender($0) }, [
            fatal("GR-R-005", "Greek Suppliers must provide the full name of the buyer.") { !$0.string("cac:PartyName/cbc:Name").isEmpty },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", where: { ["GR", "EL"].contains(accountingSupplierCountry($0.root)) }, [
            fatal("GR-R-009", "Greek suppliers that send an invoice through the PEPPOL network must use a correct TIN number as an electronic address according to PEPPOL Electronic Address Identifier scheme (schemeID 9933).") {
                $0.attribute("schemeID") == "9933" && greekTIN(Substring($0.stringValue))
            },
        ])
        return p.pattern
    }()

    static let greekSenderAndReceiver: Pattern = {
        var p = PatternBuilder("peppol-gr-gr")
        let both: @Sendable (Node) -> Bool = { greekSender($0) && greekReceiver($0) }
        p.rule("cac:AccountingCustomerParty/cac:Party", where: both, [
            fatal("GR-R-006", "Greek Suppliers must provide the VAT number of the buyer, if the buyer is Greek.") { greekVATNumberValid($0) },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", where: both, [
            fatal("GR-R-010", "Greek Suppliers that send an invoice through the PEPPOL network to a greek buyer must use a correct TIN number as an electronic address according to PEPPOL Electronic Address Identifier scheme (SchemeID 9933).") {
                $0.attribute("schemeID") == "9933" && greekTIN(Substring($0.stringValue))
            },
        ])
        return p.pattern
    }()

    /// `tokenize(., '\|')`: the segments of the invoice number, empty ones kept (none for "").
    private static func segments(_ id: Node) -> [String] {
        let value = id.stringValue
        return value.isEmpty ? [] : value.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }

    /// `matches(., '^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}')`.
    private static func greekDatePattern(_ text: String) -> Bool {
        text.range(of: #"^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}"#, options: .regularExpression) != nil
    }

    /// `$accountingSupplierCountry`: the supplier's VAT prefix, else its postal country (no tax representative).
    private static func accountingSupplierCountry(_ document: Node) -> String {
        PeppolRules.vatPrefix(document, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme")
            ?? PeppolRules.postalCountry(document) ?? "XX"
    }

    // MARK: Iceland

    static let iceland: Pattern = {
        var p = PatternBuilder("peppol-is")
        let isSupplier: @Sendable (Node) -> Bool = { PeppolRules.postalCountryCode($0) == "IS" }
        p.rule("/ubl:Invoice|/cn:CreditNote", where: isSupplier, [
            warning("IS-R-001", "[IS-R-001]-If seller is icelandic then invoice type should be 380 or 381.") { document in
                let type = document.namespace == .cn ? document.string("cbc:CreditNoteTypeCode") : document.string("cbc:InvoiceTypeCode")
                return ["380", "381"].contains(type.normalizedSpace)
            },
            fatal("IS-R-002", "[IS-R-002]-If seller is icelandic then it shall contain sellers legal id.") {
                $0.any("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", attribute: "schemeID", equals: "0196")
            },
            fatal("IS-R-003", "[IS-R-003]-If seller is icelandic then it shall contain his address with street name and zip code.") {
                $0.exists("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName") && $0.exists("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone")
            },
            fatal("IS-R-006", "[IS-R-006]-If seller is icelandic and payment means code is 9 then a 12 digit account id must exist.") { icelandicAccount($0, code: "9") },
            fatal("IS-R-007", "[IS-R-007]-If seller is icelandic and payment means code is 42 then a 12 digit account id must exist.") { icelandicAccount($0, code: "42") },
            fatal("IS-R-008", "[IS-R-008]-If seller is icelandic and invoice contains supporting description EINDAGI then the id form must be YYYY-MM-DD.") { document in
                guard let id = eindagi(document) else { return true }
                return id.xpathLength == 10 && LocalDate(id) != nil
            },
            fatal("IS-R-009", "[IS-R-009]-If seller is icelandic and invoice contains supporting description EINDAGI invoice must have due date.") { document in
                eindagi(document) == nil || document.exists("cbc:DueDate")
            },
            fatal("IS-R-010", "[IS-R-010]-If seller is icelandic and invoice contains supporting description EINDAGI the id date must be same or later than due date.") { document in
                guard let id = eindagi(document) else { return true }
                // Both sides untyped: compared as strings.
                return document.all("cbc:DueDate").contains { $0.stringValue <= id }
            },
        ])
        p.rule("/ubl:Invoice/cac:AccountingCustomerParty|/cn:CreditNote/cac:AccountingCustomerParty", where: { isSupplier($0) && PeppolRules.postalCountryCode($0, customer: true) == "IS" }, [
            fatal("IS-R-004", "[IS-R-004]-If seller and buyer are icelandic then the invoice shall contain the buyers icelandic legal identifier.") {
                $0.any("cac:Party/cac:PartyLegalEntity/cbc:CompanyID", attribute: "schemeID", equals: "0196")
            },
            fatal("IS-R-005", "[IS-R-005]-If seller and buyer are icelandic then the invoice shall contain the buyers address with street name and zip code.") {
                $0.exists("cac:Party/cac:PostalAddress/cbc:StreetName") && $0.exists("cac:Party/cac:PostalAddress/cbc:PostalZone")
            },
        ])
        return p.pattern
    }()

    /// IS-R-006/007: no payment means `code`, or one whose payee account id has 12 characters.
    private static func icelandicAccount(_ document: Node, code: String) -> Bool {
        let means = document.all("cac:PaymentMeans").filter { $0.any("cbc:PaymentMeansCode", equals: code) }
        guard !means.isEmpty else { return true }
        let accounts = means.flatMap { $0.all("cac:PayeeFinancialAccount/cbc:ID") }
        return !accounts.isEmpty && accounts[0].normalized.xpathLength == 12
    }

    /// The id of the EINDAGI (final due date) document reference, nil when there is none.
    private static func eindagi(_ document: Node) -> String? {
        document.all("cac:AdditionalDocumentReference").first { $0.any("cbc:DocumentDescription", equals: "EINDAGI") }.map { $0.string("cbc:ID") }
    }

    // MARK: The Netherlands

    static let netherlands: Pattern = {
        var p = PatternBuilder("peppol-nl")
        let nl: @Sendable (Node) -> Bool = { PeppolRules.postalCountry($0) == "NL" }
        p.rule("/cn:CreditNote", where: nl, [
            fatal("NL-R-001", "For suppliers in the Netherlands, if the document is a creditnote, the document MUST contain an invoice reference (cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID).") {
                $0.exists("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress", where: nl, [
            fatal("NL-R-002", "For suppliers in the Netherlands the supplier's address (cac:AccountingSupplierParty/cac:Party/cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone).") {
                NLCIUSRules.hasStreetCityPostcode($0)
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", where: nl, [
            fatal("NL-R-003", "For suppliers in the Netherlands, the legal entity identifier MUST be either a KVK or OIN number (schemeID 0106 or 0190).") {
                ["0106", "0190"].contains($0.attribute("schemeID") ?? "") && !$0.normalized.isEmpty
            },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress", where: { nl($0) && $0.any("cac:Country/cbc:IdentificationCode", equals: "NL") }, [
            fatal("NL-R-004", "For suppliers in the Netherlands, if the customer is in the Netherlands, the customer address (cac:AccountingCustomerParty/cac:Party/cac:PostalAddress) MUST contain the street name (cbc:StreetName), the city (cbc:CityName) and post code (cbc:PostalZone).") {
                NLCIUSRules.hasStreetCityPostcode($0)
            },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", where: { nl($0) && PeppolRules.postalCountry($0, customer: true) == "NL" }, [
            fatal("NL-R-005", "For suppliers in the Netherlands, if the customer is in the Netherlands, the customer's legal entity identifier MUST be either a KVK or OIN number (schemeID 0106 or 0190).") {
                ["0106", "0190"].contains($0.attribute("schemeID") ?? "") && !$0.normalized.isEmpty
            },
        ])
        p.rule("cac:TaxRepresentativeParty/cac:PostalAddress", where: { nl($0) && $0.any("cac:Country/cbc:IdentificationCode", equals: "NL") }, [
            fatal("NL-R-006", "For suppliers in the Netherlands, if the fiscal representative is in the Netherlands, the representative's address (cac:TaxRepresentativeParty/cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone).") {
                NLCIUSRules.hasStreetCityPostcode($0)
            },
        ])
        p.rule("cac:LegalMonetaryTotal", where: nl, [
            fatal("NL-R-007", "For suppliers in the Netherlands, the supplier MUST provide a means of payment (cac:PaymentMeans) if the payment is from customer to supplier.") { total in
                let payable = total.decimal("cbc:PayableAmount") ?? .zero
                let owed = total.root.name == "Invoice" ? payable > .zero : payable < .zero
                return !owed || total.root.exists("cac:PaymentMeans")
            },
        ])
        p.rule("cac:PaymentMeans", where: { nl($0) && PeppolRules.postalCountry($0, customer: true) == "NL" }, [
            fatal("NL-R-008", "For suppliers in the Netherlands, the payment means code (cac:PaymentMeans/cbc:PaymentMeansCode) MUST be one of 30, 48, 49, 57, 58 or 59.") {
                $0.exists("cbc:PaymentMeansCode") { ["30", "48", "49", "57", "58", "59"].contains($0.normalized) }
            },
        ])
        p.rule("cac:OrderLineReference/cbc:LineID", where: nl, [
            fatal("NL-R-009", "For suppliers in the Netherlands, if an order line reference is used, there must be an order reference on the document level.") {
                $0.root.exists("cac:OrderReference/cbc:ID")
            },
        ])
        return p.pattern
    }()
}
