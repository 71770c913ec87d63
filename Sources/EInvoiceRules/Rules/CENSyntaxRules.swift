// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
/// The EN 16931 UBL syntax binding (pattern `UBL-syntax`): UBL-SR (cardinalities UBL allows but
/// EN 16931 does not), UBL-DT (data types) and the UBL-CR catalogue of elements EN 16931 does not use.
enum CENSyntaxRules {
    static func pattern(_ version: CENVersion) -> Pattern {
        var p = PatternBuilder("UBL-syntax")
        p.rule("//cac:PostalAddress|//cac:Address", [
            fatal("UBL-SR-51", "An address can only have one third line.") { $0.count("cac:AddressLine") <= 1 },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party", [
            fatal("UBL-SR-42", "Party tax scheme shall occur maximum twice in accounting supplier party.") { $0.count("cac:PartyTaxScheme") <= 2 },
        ])
        p.rule("cac:AdditionalDocumentReference", [
            fatal("UBL-SR-33", "Supporting document description shall occur maximum once.") { $0.count("cbc:DocumentDescription") <= 1 },
            fatal("UBL-SR-43", "Scheme identifier shall only be used for invoiced object (document type code with value 130 or 50).") { reference in
                if reference.any("cbc:DocumentTypeCode", equals: "130") { return true }
                if reference.root.name == "CreditNote" && reference.any("cbc:DocumentTypeCode", equals: "50") { return true }
                return !reference.exists("cbc:ID") { $0.hasAttribute("schemeID") } && !reference.exists("cbc:DocumentTypeCode")
            },
        ])
        p.rule(anyElement: { node in
            node.nameEnds(with: "Amount") && !node.nameEnds(with: "PriceAmount") && !node.hasPriceAllowanceAncestor
        }, [
            fatal("UBL-DT-01", "Amounts shall be decimal up to two fraction digits.") { $0.hasAtMostTwoDecimals },
        ])
        p.rule(anyElement: { $0.nameEnds(with: "BinaryObject") }, [
            fatal("UBL-DT-06", "Binary object elements shall contain the mime code attribute.") { $0.hasAttribute("mimeCode") },
            fatal("UBL-DT-07", "Binary object elements shall contain the file name attribute.") { $0.hasAttribute("filename") },
        ])
        p.rule("cac:Delivery", [
            fatal("UBL-SR-25", "Deliver to party name shall occur maximum once.") { $0.count("cac:DeliveryParty/cac:PartyName/cbc:Name") <= 1 },
        ])
        p.rule("cac:AllowanceCharge", where: { $0.isAllowanceCharge(charge: false) }, [
            fatal("UBL-SR-30", "Document level allowance reason shall occur maximum once.") { $0.count("cbc:AllowanceChargeReason") <= 1 },
        ])
        p.rule("cac:AllowanceCharge", where: { $0.isAllowanceCharge(charge: true) }, [
            fatal("UBL-SR-31", "Document level charge reason shall occur maximum once.") { $0.count("cbc:AllowanceChargeReason") <= 1 },
        ])
        p.rule("cac:PartyTaxScheme", [
            fatal("UBL-SR-53", "CompanyID (VAT Identifier) must be stated when providing the PartyTaxScheme/TaxScheme/ID.") {
                $0.exists("cbc:CompanyID")
            },
        ])
        p.rule("/ubl:Invoice|/cn:CreditNote", document(version))
        p.rule("cac:InvoiceLine|cac:CreditNoteLine", [
            fatal("UBL-SR-34", "Invoice line note shall occur maximum once.") { $0.count("cbc:Note") <= 1 },
            fatal("UBL-SR-35", "Referenced purchase order line identifier shall occur maximum once.") { $0.count("cac:OrderLineReference/cbc:LineID") <= 1 },
            fatal("UBL-SR-36", "Invoice line period shall occur maximum once.") { $0.count("cac:InvoicePeriod") <= 1 },
            fatal("UBL-SR-37", "Item price discount shall occur maximum once.") { $0.count("cac:Price/cac:AllowanceCharge/cbc:Amount") <= 1 },
            fatal("UBL-SR-48", "Invoice lines shall have one and only one classified tax category.") { $0.count("cac:Item/cac:ClassifiedTaxCategory") == 1 },
            fatal("UBL-SR-50", "Item description shall occur maximum once.") { $0.count("cac:Item/cbc:Description") <= 1 },
            fatal("UBL-SR-52", "Document reference shall occur maximum once.") { $0.count("cac:DocumentReference") <= 1 },
        ])
        p.rule("cac:PayeeParty", [
            fatal("UBL-SR-19", "Payee name shall occur maximum once, if the Payee is different from the Seller.") {
                $0.count("cac:PartyName/cbc:Name") <= 1 && payeeNameDiffersFromSeller($0)
            },
            fatal("UBL-SR-20", "Payee identifier shall occur maximum once, if the Payee is different from the Seller.") { payee in
                payee.count("cac:PartyIdentification/cbc:ID") { ($0.attribute("schemeID") ?? "").uppercased() != "SEPA" } <= 1
                    && payeeNameDiffersFromSeller(payee)
            },
            fatal("UBL-SR-21", "Payee legal registration identifier shall occur maximum once, if the Payee is different from the Seller.") {
                $0.count("cac:PartyLegalEntity/cbc:CompanyID") <= 1 && payeeNameDiffersFromSeller($0)
            },
        ])
        p.rule("cac:PaymentMeans", [
            fatal("UBL-SR-26", "Payment reference shall occur maximum once.") { $0.count("cbc:PaymentID") <= 1 },
            fatal("UBL-SR-27", "Payment means text shall occur maximum once.") { $0.count("cbc:InstructionNote") <= 1 },
            fatal("UBL-SR-28", "Mandate reference identifier shall occur maximum once.") { $0.count("cac:PaymentMandate/cbc:ID") <= 1 },
        ])
        p.rule("cac:BillingReference", [
            fatal("UBL-SR-06", "Preceding invoice reference shall occur maximum once.") { $0.count("cac:InvoiceDocumentReference") <= 1 },
            fatal("UBL-SR-07", "If there is a preceding invoice reference, the preceding invoice number shall be present.") {
                $0.exists("cac:InvoiceDocumentReference/cbc:ID")
            },
        ])
        // UBL-SR-22 and -23 look for cac:Party below the tax representative, which UBL does not
        // have there: like the official artifacts, they never fire.
        p.rule("cac:TaxSubtotal", [
            fatal("UBL-SR-32", "VAT exemption reason text shall occur maximum once.") { $0.count("cac:TaxCategory/cbc:TaxExemptionReason") <= 1 },
        ])
        return p.pattern
    }

    /// `(cac:PartyName/cbc:Name) != (../cac:AccountingSupplierParty/…/cbc:RegistrationName)`:
    /// some pair differs (false when either side is absent).
    static func payeeNameDiffersFromSeller(_ payee: Node) -> Bool {
        let names = payee.all("cac:PartyName/cbc:Name").map(\.stringValue)
        let sellerNames = payee.all("../cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName").map(\.stringValue)
        return names.contains { name in sellerNames.contains { $0 != name } }
    }

    static func document(_ version: CENVersion) -> [Assertion] {
        var assertions: [Assertion] = []
        // UBL-CR: elements EN 16931 does not use.
        for (index, entry) in UBLCRCatalogue.entries.enumerated() {
            assertions.append(warning("UBL-CR-\(entry.number)", ublCRMessages[index]) { root in !root.breaksUBLCR(index) })
        }
        assertions += [
            warning("UBL-CR-002", "A UBL invoice should not include the UBLVersionID or it should be 2.1.") {
                !$0.exists("cbc:UBLVersionID") || $0.any("cbc:UBLVersionID", equals: "2.1")
            },
            warning("UBL-CR-412", "A UBL invoice should not include the PaymentMeans PaymentDueDate.") {
                !$0.exists("cac:PaymentMeans/cbc:PaymentDueDate") || $0.namespace == .cn
            },
            warning("UBL-CR-665", "A UBL invoice should not include the AdditionalDocumentReference ID schemeID unless the DocumentTypeCode equals '130'.") { root in
                !root.exists("//cac:AdditionalDocumentReference") { reference in
                    let notObject = reference.exists("cbc:DocumentTypeCode") { $0.stringValue != "130" } || !reference.exists("cbc:DocumentTypeCode")
                    return notObject && reference.exists("cbc:ID") { $0.hasAttribute("schemeID") }
                }
            },
            fatal("UBL-CR-666", "A UBL invoice shall not include an AdditionalDocumentReference simultaneously referring an Invoice Object Identifier and an Attachment.") { root in
                !root.exists("//cac:AdditionalDocumentReference") { $0.any("cbc:DocumentTypeCode", equals: "130") && $0.exists("cac:Attachment") }
            },
            fatal("UBL-CR-673", "A UBL invoice shall not include an AdditionalDocumentReference simultaneously referring an Invoice Object Identifier and an Document Description.") { root in
                !root.exists("//cac:AdditionalDocumentReference") { $0.any("cbc:DocumentTypeCode", equals: "130") && $0.exists("cbc:DocumentDescription") }
            },
            warning("UBL-CR-681", "A UBL invoice should not include the PaymentMeans InstructionNote.") { !$0.exists("cac:PaymentMeans/cbc:InstructionNote") },
            warning("UBL-CR-682", "A UBL invoice should not include the Delivery DeliveryAddress.") { !$0.exists("cac:Delivery/cac:DeliveryAddress") },
        ]
        // UBL-DT-08 … -28: attributes outside the EN 16931 data types.
        let attributes: [(String, String, String)] = [
            ("08", "schemeName", "Scheme name"), ("09", "schemeAgencyName", "Scheme agency name"),
            ("10", "schemeDataURI", "Scheme data uri"), ("11", "schemeURI", "Scheme uri"), ("12", "format", "Format"),
            ("13", "unitCodeListIdentifier", "Unit code list identifier"),
            ("14", "unitCodeListAgencyIdentifier", "Unit code list agency identifier"),
            ("15", "unitCodeListAgencyName", "Unit code list agency name"), ("16", "listAgencyName", "List agency name"),
            ("17", "listName", "List name"), ("19", "languageID", "Language identifier"), ("20", "listURI", "List uri"),
            ("21", "listSchemeURI", "List scheme uri"), ("22", "languageLocaleID", "Language local identifier"),
            ("23", "uri", "Uri"), ("24", "currencyCodeListVersionID", "Currency code list version id"),
            ("25", "characterSetCode", "CharacterSetCode"), ("26", "encodingCode", "EncodingCode"),
            ("27", "schemeAgencyID", "Scheme Agency ID"), ("28", "listAgencyID", "List Agency ID"),
        ]
        for (number, attribute, text) in attributes {
            assertions.append(warning("UBL-DT-\(number)", "\(text) attribute should not be present.") { root in
                root.elements(withAttribute: attribute).isEmpty
            })
        }
        assertions.append(warning("UBL-DT-18", "Name attribute should not be present.") { root in
            !root.elements(withAttribute: "name").contains { !root.node($0).isNamed(.cbc, "PaymentMeansCode") }
        })
        // UBL-SR: cardinalities.
        assertions += [
            fatal("UBL-SR-01", "Contract identifier shall occur maximum once.") { $0.count("cac:ContractDocumentReference/cbc:ID") <= 1 },
            fatal("UBL-SR-02", "Receive advice identifier shall occur maximum once.") { $0.count("cac:ReceiptDocumentReference/cbc:ID") <= 1 },
            fatal("UBL-SR-03", "Despatch advice identifier shall occur maximum once.") { $0.count("cac:DespatchDocumentReference/cbc:ID") <= 1 },
            fatal("UBL-SR-04", "Invoice object identifier shall occur maximum once.") { root in
                root.all("cac:AdditionalDocumentReference").filter { $0.any("cbc:DocumentTypeCode", equals: "130") }
                    .reduce(0) { $0 + $1.count("cbc:ID") } <= 1
            },
            fatal("UBL-SR-05", "Payment terms shall occur maximum once.") { $0.count("cac:PaymentTerms/cbc:Note") <= 1 },
            fatal("UBL-SR-08", "Invoice period shall occur maximum once.") { $0.count("cac:InvoicePeriod") <= 1 },
            fatal("UBL-SR-09", "Seller name shall occur maximum once.") {
                $0.count("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName") <= 1
            },
            fatal("UBL-SR-10", "Seller trader name shall occur maximum once.") { $0.count("cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name") <= 1 },
            fatal("UBL-SR-11", "Seller legal registration identifier shall occur maximum once.") {
                $0.count("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID") <= 1
            },
            fatal("UBL-SR-12", "Seller VAT identifier shall occur maximum once.") { root in
                root.all("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme").filter { $0.any("cac:TaxScheme/cbc:ID", upperEquals: "VAT") }
                    .reduce(0) { $0 + $1.count("cbc:CompanyID") } <= 1
            },
            fatal("UBL-SR-13", "Seller tax registration shall occur maximum once.") { root in
                root.all("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme")
                    .filter { $0.exists("cac:TaxScheme/cbc:ID") { $0.stringValue.uppercased() != "VAT" } }
                    .reduce(0) { $0 + $1.count("cbc:CompanyID") } <= 1
            },
            fatal("UBL-SR-14", "Seller additional legal information shall occur maximum once.") {
                $0.count("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm") <= 1
            },
            fatal("UBL-SR-15", "Buyer name shall occur maximum once.") {
                $0.count("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName") <= 1
            },
            fatal("UBL-SR-16", "Buyer identifier shall occur maximum once.") { $0.count("cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID") <= 1 },
            fatal("UBL-SR-17", "Buyer legal registration identifier shall occur maximum once.") {
                $0.count("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID") <= 1
            },
            fatal("UBL-SR-18", "Buyer VAT identifier shall occur maximum once.") { root in
                root.all("cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme").filter { $0.any("cac:TaxScheme/cbc:ID", upperEquals: "VAT") }
                    .reduce(0) { $0 + $1.count("cbc:CompanyID") } <= 1
            },
            fatal("UBL-SR-24", "Deliver to information shall occur maximum once.") { $0.count("cac:Delivery") <= 1 },
            fatal("UBL-SR-29", "Bank creditor reference shall occur maximum once.") {
                $0.count("//cac:PartyIdentification/cbc:ID") { ($0.attribute("schemeID") ?? "").uppercased() == "SEPA" } <= 1
            },
            fatal("UBL-SR-39", "Project reference shall occur maximum once.") { $0.count("cac:ProjectReference/cbc:ID") <= 1 },
            fatal("UBL-SR-40", "Buyer trade name shall occur maximum once.") { $0.count("cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name") <= 1 },
            fatal("UBL-SR-44", "An Invoice may only have one unique PaymentID, but the PaymentID may be used for multiple PaymentMeans.") {
                Set($0.all("//cbc:PaymentID").map(\.stringValue)).count <= 1
            },
            fatal("UBL-SR-45", "Due Date shall occur maximum once.") { $0.count("cac:PaymentMeans/cbc:PaymentDueDate") <= 1 },
            fatal("UBL-SR-46", "Payment means text shall occur maximum once.") {
                $0.count("cac:PaymentMeans/cbc:PaymentMeansCode") { $0.hasAttribute("name") } <= 1
            },
            fatal("UBL-SR-47", "When there are more than one payment means code, they shall be equal.") {
                Set($0.all("//cbc:PaymentMeansCode").map(\.stringValue)).count <= 1
            },
            fatal("UBL-SR-49", "Value tax point date shall occur maximum once.") { $0.count("cac:InvoicePeriod/cbc:DescriptionCode") <= 1 },
        ]
        if version != .v1_3_14_1 {
            assertions += [
                fatal("UBL-SR-54", "An Invoice shall contain maximum one Payment Card account (BG-18).") { $0.count("cac:PaymentMeans/cac:CardAccount") <= 1 },
                fatal("UBL-SR-55", "An Invoice shall contain maximum one Payment Mandate (BG-19).") { $0.count("cac:PaymentMeans/cac:PaymentMandate") <= 1 },
            ]
        }
        if version == .v1_3_16 {
            assertions.append(fatal("UBL-SR-56", "Tender or lot reference (BT-17) shall occur maximum once.") {
                $0.count("cac:OriginatorDocumentReference/cbc:ID") <= 1
            })
        }
        return assertions
    }

    /// `cac:Delivery/cbc:ID` → "Delivery ID", for messages (a line step names the invoice line).
    static func readable(_ path: String) -> String {
        Array(path.utf8).split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "@") }).map { step in
            let text = String(decoding: step, as: UTF8.self)
            if text == "cac:InvoiceLine|cac:CreditNoteLine" { return "InvoiceLine" }
            return String(decoding: step.split(separator: UInt8(ascii: ":")).last ?? step, as: UTF8.self)
        }.joined(separator: " ")
    }

    /// The UBL-CR catalogue's messages, the same for every CEN release: made once.
    static let ublCRMessages: [String] = UBLCRCatalogue.entries.map { "A UBL invoice should not include the \(readable($0.path))." }
}

extension Node {
    /// Under a `cac:Price` that has a `cac:AllowanceCharge` (`ancestor::cac:Price/cac:AllowanceCharge`).
    var hasPriceAllowanceAncestor: Bool {
        var node = parent
        while let current = node {
            if current.isNamed(.cac, "Price") && current.exists("cac:AllowanceCharge") { return true }
            node = current.parent
        }
        return false
    }

    func exists(path: String) -> Bool {
        var found = false
        select(path: path) { _ in found = true; return false }
        return found
    }

    /// `path/upper-case(.) = value`.
    func any(_ path: StaticString, upperEquals value: String) -> Bool {
        exists(path) { $0.stringValue.uppercased() == value }
    }
}
