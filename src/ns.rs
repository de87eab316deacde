//! Every XBRL and W3C namespace, role and arcrole esgx reads or writes, defined once. Readers,
//! writers and the taxonomy generator take them from here, so that they cannot drift apart.

/// XML Schema.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// XML Schema instance (`xsi:schemaLocation`, `xsi:nil`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// XLink.
pub const XLINK: &str = "http://www.w3.org/1999/xlink";
/// The `xml:` prefix's namespace (`xml:lang`).
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";

/// XBRL 2.1 instances.
pub const XBRLI: &str = "http://www.xbrl.org/2003/instance";
/// XBRL 2.1 linkbases.
pub const LINK: &str = "http://www.xbrl.org/2003/linkbase";
/// XBRL Dimensions: the taxonomy side.
pub const XBRLDT: &str = "http://xbrl.org/2005/xbrldt";
/// XBRL Dimensions: the instance side (explicit and typed members).
pub const XBRLDI: &str = "http://xbrl.org/2006/xbrldi";
/// The reference parts of XBRL references.
pub const REF: &str = "http://www.xbrl.org/2006/ref";
/// The Data Type Registry's types, as esgx's taxonomy uses them.
pub const DTR_TYPES: &str = "http://www.xbrl.org/dtr/type/2024-01-31";
/// What every version of the Data Type Registry's namespace starts with.
pub const DTR_TYPES_PREFIX: &str = "http://www.xbrl.org/dtr/type/";
/// Taxonomy Packages 1.0, and the working draft some published packages still use.
pub const TAXONOMY_PACKAGE: &str = "http://xbrl.org/2016/taxonomy-package";
/// The working draft of Taxonomy Packages (2016-01-13) that some published packages still use.
pub const TAXONOMY_PACKAGE_PWD: &str = "http://xbrl.org/PWD/2016-01-13/taxonomy-package";

/// Schema locations of the standard schemas a taxonomy imports.
pub const INSTANCE_XSD: &str = "http://www.xbrl.org/2003/xbrl-instance-2003-12-31.xsd";
/// The XBRL 2.1 linkbase schema.
pub const LINKBASE_XSD: &str = "http://www.xbrl.org/2003/xbrl-linkbase-2003-12-31.xsd";
/// The XBRL Dimensions 1.0 taxonomy schema.
pub const XBRLDT_XSD: &str = "http://www.xbrl.org/2005/xbrldt-2005.xsd";
/// The Data Type Registry's types schema (2024-01-31).
pub const DTR_TYPES_XSD: &str = "https://www.xbrl.org/dtr/type/2024-01-31/types.xsd";
/// The schema of the XBRL reference parts (`ref:Name`, `ref:Paragraph` ...).
pub const REF_XSD: &str = "http://www.xbrl.org/2006/ref-2006-02-27.xsd";

/// Roles and arcroles.
pub const LABEL_ROLE: &str = "http://www.xbrl.org/2003/role/label";
/// The documentation label role: a longer explanation of a concept.
pub const DOC_ROLE: &str = "http://www.xbrl.org/2003/role/documentation";
/// The disclosure reference role: the text that requires a disclosure.
pub const DISCLOSURE_REF: &str = "http://www.xbrl.org/2003/role/disclosureRef";
/// The default extended link role of XBRL 2.1.
pub const DEFAULT_LINK_ROLE: &str = "http://www.xbrl.org/2003/role/link";
/// The arcrole from a fact to its footnote.
pub const FACT_FOOTNOTE: &str = "http://www.xbrl.org/2003/arcrole/fact-footnote";
/// Calculations 1.1.
pub const SUMMATION_ITEM: &str = "https://xbrl.org/2023/arcrole/summation-item";
/// What the XBRL Dimensions arcroles (`hypercube-dimension`, `all` ...) start with.
pub const DIM_ARCROLE: &str = "http://xbrl.org/int/dim/arcrole/";

/// OIM: the xBRL-JSON document type, and the core namespace (prefix `xbrl`, home of `xbrl:note`).
pub const XBRL_JSON_DOCUMENT_TYPE: &str = "https://xbrl.org/2021/xbrl-json";
/// OIM: the xBRL-CSV document type.
pub const XBRL_CSV_DOCUMENT_TYPE: &str = "https://xbrl.org/2021/xbrl-csv";
/// The OIM core namespace (prefix `xbrl`, home of `xbrl:note`).
pub const OIM: &str = "https://xbrl.org/2021";

/// esgx's own: provenance properties in OIM reports, and the taxonomy-source annotations of
/// generated schemas.
pub const ESGX_PROVENANCE: &str = "https://esgx.dev/oim/provenance/1.0";
/// esgx's annotations in generated schemas: the taxonomy source's rules (shares, stated changes ...).
pub const ESGX_TAXONOMY_SOURCE: &str = "https://esgx.dev/ns/taxonomy-source/1.0";

/// More roles and arcroles of XBRL 2.1.
pub const FOOTNOTE_ROLE: &str = "http://www.xbrl.org/2003/role/footnote";
/// The standard reference role.
pub const REFERENCE_ROLE: &str = "http://www.xbrl.org/2003/role/reference";
/// The role of a `linkbaseRef` to a presentation linkbase.
pub const PRESENTATION_LINKBASE_REF: &str = "http://www.xbrl.org/2003/role/presentationLinkbaseRef";
/// What XBRL 2.1's standard roles start with (`…/role/label`, `…/role/calculationLinkbaseRef` …).
pub const ROLE_PREFIX: &str = "http://www.xbrl.org/2003/role/";
/// The presentation arcrole: parent to child.
pub const PARENT_CHILD: &str = "http://www.xbrl.org/2003/arcrole/parent-child";
/// The arcrole from a concept to its label.
pub const CONCEPT_LABEL: &str = "http://www.xbrl.org/2003/arcrole/concept-label";
/// The arcrole from a concept to its reference.
pub const CONCEPT_REFERENCE: &str = "http://www.xbrl.org/2003/arcrole/concept-reference";
/// XBRL 2.1's summation-item (Calculations 1.0), read from published taxonomies.
pub const SUMMATION_ITEM_2003: &str = "http://www.xbrl.org/2003/arcrole/summation-item";
/// Calculations 1.1's schema.
pub const CALC11_XSD: &str = "https://www.xbrl.org/2023/calculation-1.1.xsd";

/// The Units Registry and ISO 4217 currencies.
pub const UTR: &str = "http://www.xbrl.org/2009/utr";
/// ISO 4217 currencies (`iso4217:CNY`).
pub const ISO4217: &str = "http://www.xbrl.org/2003/iso4217";

/// Inline XBRL 1.1.
pub const IX: &str = "http://www.xbrl.org/2013/inlineXBRL";
/// The Inline XBRL Transformation Registry 4.
pub const IXT: &str = "http://www.xbrl.org/inlineXBRL/transformation/2020-02-12";
/// XHTML, the language of an Inline XBRL page.
pub const XHTML: &str = "http://www.w3.org/1999/xhtml";
/// Report Packages 1.0: the document type of an inline report package.
pub const REPORT_PACKAGE_INLINE: &str = "https://xbrl.org/report-package/2023/xbri";
/// Report Packages 1.0: the document type of an XBRL-XML report package.
pub const REPORT_PACKAGE_XML: &str = "https://xbrl.org/report-package/2023/xbr";
