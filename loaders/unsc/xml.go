package unsc

// xmlRecord is one INDIVIDUAL or ENTITY as the UN writes it. Both share one
// struct: an ENTITY simply lacks the individual-only elements. Elements not
// named here (VERSIONNUM, HAS_INTERPOL_LINK, SORT_KEY, SUBMITTED_BY …) are
// ignored by the decoder. Text is kept raw; the builder trims it.
type xmlRecord struct {
	DataID         string `xml:"DATAID"`
	FirstName      string `xml:"FIRST_NAME"`
	SecondName     string `xml:"SECOND_NAME"`
	ThirdName      string `xml:"THIRD_NAME"`
	FourthName     string `xml:"FOURTH_NAME"`
	ListType       string `xml:"UN_LIST_TYPE"`
	Reference      string `xml:"REFERENCE_NUMBER"`
	ListedOn       string `xml:"LISTED_ON"`
	Comments       string `xml:"COMMENTS1"`
	OriginalScript string `xml:"NAME_ORIGINAL_SCRIPT"`
	Gender         string `xml:"GENDER"`

	Titles        []string `xml:"TITLE>VALUE"`
	Designations  []string `xml:"DESIGNATION>VALUE"`
	Nationalities []string `xml:"NATIONALITY>VALUE"`
	ListTypes     []string `xml:"LIST_TYPE>VALUE"`
	Updated       []string `xml:"LAST_DAY_UPDATED>VALUE"`

	IndividualAliases   []xmlAlias    `xml:"INDIVIDUAL_ALIAS"`
	EntityAliases       []xmlAlias    `xml:"ENTITY_ALIAS"`
	IndividualAddresses []xmlAddress  `xml:"INDIVIDUAL_ADDRESS"`
	EntityAddresses     []xmlAddress  `xml:"ENTITY_ADDRESS"`
	BirthDates          []xmlBirth    `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	BirthPlaces         []xmlAddress  `xml:"INDIVIDUAL_PLACE_OF_BIRTH"`
	Documents           []xmlDocument `xml:"INDIVIDUAL_DOCUMENT"`
}

// xmlAlias is INDIVIDUAL_ALIAS or ENTITY_ALIAS. QUALITY ("Good", "Low",
// "a.k.a.", "f.k.a.") has no place in model.yaml and is not read.
type xmlAlias struct {
	Name           string `xml:"ALIAS_NAME"`
	Note           string `xml:"NOTE"`
	DateOfBirth    string `xml:"DATE_OF_BIRTH"`
	CityOfBirth    string `xml:"CITY_OF_BIRTH"`
	CountryOfBirth string `xml:"COUNTRY_OF_BIRTH"`
}

// xmlAddress is an address or a place of birth.
type xmlAddress struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	State   string `xml:"STATE_PROVINCE"`
	Zip     string `xml:"ZIP_CODE"`
	Country string `xml:"COUNTRY"`
	Note    string `xml:"NOTE"`
}

// xmlBirth is one INDIVIDUAL_DATE_OF_BIRTH: TYPE_OF_DATE is EXACT,
// APPROXIMATELY, BETWEEN or empty, with a DATE, a YEAR, a FROM_YEAR/TO_YEAR
// pair or only a NOTE.
type xmlBirth struct {
	Type     string `xml:"TYPE_OF_DATE"`
	Date     string `xml:"DATE"`
	Year     string `xml:"YEAR"`
	FromYear string `xml:"FROM_YEAR"`
	ToYear   string `xml:"TO_YEAR"`
	Note     string `xml:"NOTE"`
}

// xmlDocument is an identity document. model.yaml has no place for one yet,
// so documents are only counted (Summary.Dropped).
type xmlDocument struct {
	Type   string `xml:"TYPE_OF_DOCUMENT"`
	Number string `xml:"NUMBER"`
	Note   string `xml:"NOTE"`
}

func (d xmlDocument) empty() bool {
	return clean(d.Type) == "" && clean(d.Number) == "" && clean(d.Note) == ""
}
