/// A party of the invoice: seller (BG-4), buyer (BG-7), payee (BG-10) or tax representative (BG-11).
public struct Party: Sendable, Hashable {
    /// BT-34 / BT-49 electronic address, with its EAS scheme (`0106`, `0190`, `9944`, …).
    public var endpointID: Identifier?
    /// BT-29 / BT-46 / BT-60 party identifiers (`cac:PartyIdentification`).
    public var identifiers: [Identifier]
    /// BT-28 / BT-45 trading name, BT-59 payee name, BT-62 tax representative name.
    public var name: String?
    /// BG-5 / BG-8 / BG-12 postal address.
    public var postalAddress: Address?
    /// BT-31 VAT identifier and BT-32 tax registration identifier (`cac:PartyTaxScheme`).
    public var taxSchemes: [PartyTaxScheme]
    /// BT-27 / BT-44 legal name, BT-30 / BT-47 / BT-61 legal registration, BT-33 legal information.
    public var legalEntity: LegalEntity?
    /// BG-6 / BG-9 contact.
    public var contact: Contact?

    public init(
        endpointID: Identifier? = nil, identifiers: [Identifier] = [], name: String? = nil,
        postalAddress: Address? = nil, taxSchemes: [PartyTaxScheme] = [], legalEntity: LegalEntity? = nil,
        contact: Contact? = nil
    ) {
        self.endpointID = endpointID
        self.identifiers = identifiers
        self.name = name
        self.postalAddress = postalAddress
        self.taxSchemes = taxSchemes
        self.legalEntity = legalEntity
        self.contact = contact
    }

    /// BT-31 / BT-48 / BT-63: the VAT identifier (tax scheme `VAT`).
    public var vatIdentifier: String? {
        taxSchemes.first { $0.taxSchemeID?.uppercased() == "VAT" }?.companyID
    }

    /// The name to show: legal registration name, else trading name.
    public var displayName: String? { legalEntity?.registrationName ?? name }
}

/// An identifier with the scheme it belongs to (`schemeID`, an ISO 6523 ICD or EAS code).
public struct Identifier: Sendable, Hashable, CustomStringConvertible {
    public var value: String
    public var schemeID: String?

    public init(_ value: String, schemeID: String? = nil) {
        self.value = value
        self.schemeID = schemeID
    }

    public var description: String { schemeID.map { "\($0):\(value)" } ?? value }
}

/// BG-5 / BG-8 / BG-12 / BG-15 address.
public struct Address: Sendable, Hashable {
    /// BT-35 address line 1.
    public var streetName: String?
    /// BT-36 address line 2.
    public var additionalStreetName: String?
    /// BT-162 address line 3.
    public var addressLine: String?
    /// BT-37 city.
    public var cityName: String?
    /// BT-38 post code.
    public var postalZone: String?
    /// BT-39 country subdivision.
    public var countrySubentity: String?
    /// BT-40 country code (ISO 3166-1 alpha-2).
    public var countryCode: String?

    public init(
        streetName: String? = nil, additionalStreetName: String? = nil, addressLine: String? = nil,
        cityName: String? = nil, postalZone: String? = nil, countrySubentity: String? = nil,
        countryCode: String? = nil
    ) {
        self.streetName = streetName
        self.additionalStreetName = additionalStreetName
        self.addressLine = addressLine
        self.cityName = cityName
        self.postalZone = postalZone
        self.countrySubentity = countrySubentity
        self.countryCode = countryCode
    }
}

/// `cac:PartyTaxScheme`: a VAT identifier (scheme `VAT`) or another tax registration.
public struct PartyTaxScheme: Sendable, Hashable {
    public var companyID: String?
    public var taxSchemeID: String?

    public init(companyID: String?, taxSchemeID: String? = "VAT") {
        self.companyID = companyID
        self.taxSchemeID = taxSchemeID
    }
}

/// `cac:PartyLegalEntity`.
public struct LegalEntity: Sendable, Hashable {
    /// BT-27 / BT-44 / BT-59 legal name.
    public var registrationName: String?
    /// BT-30 / BT-47 / BT-61 legal registration identifier (KvK `0106`, OIN `0190`, KBO `0208`).
    public var companyID: Identifier?
    /// BT-33 additional legal information.
    public var companyLegalForm: String?

    public init(registrationName: String? = nil, companyID: Identifier? = nil, companyLegalForm: String? = nil) {
        self.registrationName = registrationName
        self.companyID = companyID
        self.companyLegalForm = companyLegalForm
    }
}

/// BG-6 / BG-9 contact.
public struct Contact: Sendable, Hashable {
    public var name: String?
    public var telephone: String?
    public var electronicMail: String?

    public init(name: String? = nil, telephone: String? = nil, electronicMail: String? = nil) {
        self.name = name
        self.telephone = telephone
        self.electronicMail = electronicMail
    }
}
