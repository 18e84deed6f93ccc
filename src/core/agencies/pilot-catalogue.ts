import type { AgencyKind } from '../../db/schema.ts';

/**
 * The agencies onboarded to Baraza: the five pilots of the 2010 proposal (KRA, Immigration, the
 * Company Registry, the Police Occurrence Book, Health), the clearing house that owns every case no
 * agency has claimed, and the anti-corruption commission that receives sealed reports.
 *
 * Every agency in the eCitizen directory is loaded too (src/db/load-reference-data.ts); an entry
 * here turns a directory row into a working queue, or adds one the directory lacks. Ids derived
 * from this file are stable and never reused, because cases point at them: rename freely, but
 * never change a code. After any edit the loader notices the change and reloads on next start.
 */

export const PILOT_AGENCY_CODES = ['KRA', 'DIS', 'BRS', 'NPS', 'MOH', 'CLR', 'EACC'] as const;
export type PilotAgencyCode = (typeof PILOT_AGENCY_CODES)[number];

export interface PilotService {
  /** Short, stable, kebab-case; unique within the agency. */
  code: string;
  name: string;
  nameSw: string;
  /** The matching eCitizen service_id in reference/services.csv, when eCitizen offers it. */
  ecitizenServiceId?: string;
  url?: string;
}

export interface PilotCategory {
  code: string;
  name: string;
  nameSw: string;
}

export interface PilotAgency {
  code: PilotAgencyCode;
  name: string;
  nameSw: string;
  shortName: string;
  kind: AgencyKind;
  /** The agency_id in reference/agencies.csv; absent when eCitizen does not list the agency. */
  ecitizenAgencyId?: string;
  /** Needed for agencies eCitizen does not list; for one it does, they override the directory's. */
  ministryId?: string;
  description?: string;
  url?: string;
  services: readonly PilotService[];
  categories: readonly PilotCategory[];
}

/** eCitizen rows reuse their dataset id, so the directory and the pilot are one agency row. */
export function pilotAgencyId(agency: Pick<PilotAgency, 'code' | 'ecitizenAgencyId'>): string {
  return agency.ecitizenAgencyId ?? `baraza-${agency.code.toLowerCase()}`;
}

export function pilotServiceId(agencyCode: PilotAgencyCode, serviceCode: string): string {
  return `${agencyCode}:${serviceCode}`;
}

export function pilotCategoryId(agencyCode: PilotAgencyCode, categoryCode: string): string {
  return `${agencyCode}:${categoryCode}`;
}

const KRA_ECITIZEN = 'http://kra.ecitizen.go.ke/';

// Categories most agencies share, so reports can compare like with like across agencies.
const DELAY: PilotCategory = { code: 'delay', name: 'Delay in service', nameSw: 'Kuchelewa kwa huduma' };
const STAFF_CONDUCT: PilotCategory = {
  code: 'staff-conduct',
  name: 'Conduct of staff',
  nameSw: 'Mwenendo wa wafanyakazi',
};
const SYSTEM_DOWNTIME: PilotCategory = {
  code: 'system-downtime',
  name: 'Online system not working',
  nameSw: 'Mfumo wa mtandaoni haufanyi kazi',
};
const WRONG_INFORMATION: PilotCategory = {
  code: 'wrong-information',
  name: 'Wrong or misleading information',
  nameSw: 'Taarifa zisizo sahihi au za kupotosha',
};
const FEES_CHARGES: PilotCategory = {
  code: 'fees-charges',
  name: 'Fees and charges',
  nameSw: 'Ada na malipo',
};
const LOST_DOCUMENTS: PilotCategory = {
  code: 'lost-documents',
  name: 'Documents lost or not issued',
  nameSw: 'Nyaraka zilizopotea au kutotolewa',
};

const KRA: PilotAgency = {
  code: 'KRA',
  name: 'Kenya Revenue Authority',
  nameSw: 'Mamlaka ya Ushuru ya Kenya',
  shortName: 'KRA',
  kind: 'agency',
  ecitizenAgencyId: 'aa31e54a2abe',
  services: [
    {
      code: 'pin-registration',
      name: 'KRA PIN registration',
      nameSw: 'Usajili wa PIN ya KRA',
      ecitizenServiceId: '428fc9af37d0',
      url: KRA_ECITIZEN,
    },
    {
      code: 'tax-compliance-certificate',
      name: 'Tax compliance certificate',
      nameSw: 'Cheti cha utiifu wa kodi',
      ecitizenServiceId: '2e0b45c77db7',
      url: KRA_ECITIZEN,
    },
    {
      code: 'itax-returns',
      name: 'Filing income tax returns on iTax',
      nameSw: 'Kuwasilisha ritani za kodi ya mapato kwenye iTax',
      ecitizenServiceId: '0a27fc3e3c96',
      url: KRA_ECITIZEN,
    },
    {
      code: 'nil-returns',
      name: 'Filing nil returns',
      nameSw: 'Kuwasilisha ritani sifuri',
      ecitizenServiceId: '0ca62902e180',
      url: KRA_ECITIZEN,
    },
    {
      code: 'paye',
      name: 'PAYE (Pay As You Earn)',
      nameSw: 'Kodi ya PAYE (Lipa Kadri Unavyopata)',
      ecitizenServiceId: 'ba55439fa2c7',
      url: KRA_ECITIZEN,
    },
    {
      code: 'vat',
      name: 'VAT returns and payments',
      nameSw: 'Ritani na malipo ya VAT',
      ecitizenServiceId: '01df1539c54d',
      url: KRA_ECITIZEN,
    },
    {
      code: 'rental-income-tax',
      name: 'Monthly rental income tax',
      nameSw: 'Kodi ya mapato ya nyumba za kupangisha',
      ecitizenServiceId: '239d5a962850',
      url: KRA_ECITIZEN,
    },
    {
      code: 'tax-payment',
      name: 'Tax payments and payment registration',
      nameSw: 'Malipo ya kodi',
      ecitizenServiceId: '457908a685f8',
      url: KRA_ECITIZEN,
    },
    {
      code: 'tax-refund',
      name: 'Tax refunds',
      nameSw: 'Marejesho ya kodi iliyolipwa zaidi',
      ecitizenServiceId: '1f000a7dfcec',
      url: KRA_ECITIZEN,
    },
    {
      code: 'tax-dispute',
      name: 'Tax objections and disputes',
      nameSw: 'Pingamizi na mizozo ya kodi',
      ecitizenServiceId: '96af4bb9faab',
      url: KRA_ECITIZEN,
    },
    {
      code: 'etims',
      name: 'Electronic tax invoices (eTIMS)',
      nameSw: 'Ankara za kodi za kielektroniki (eTIMS)',
      ecitizenServiceId: '64259be4ce20',
      url: KRA_ECITIZEN,
    },
    { code: 'customs', name: 'Customs and border clearance', nameSw: 'Forodha na uondoshaji wa bidhaa' },
    {
      code: 'tax-evasion-report',
      name: 'Reporting tax evasion',
      nameSw: 'Kuripoti ukwepaji wa kodi',
      ecitizenServiceId: '0159c09b0b65',
      url: KRA_ECITIZEN,
    },
  ],
  categories: [
    DELAY,
    STAFF_CONDUCT,
    SYSTEM_DOWNTIME,
    WRONG_INFORMATION,
    { code: 'penalties-interest', name: 'Penalties and interest', nameSw: 'Adhabu na riba' },
    { code: 'wrong-assessment', name: 'Wrong tax assessment', nameSw: 'Tathmini ya kodi isiyo sahihi' },
    { code: 'refund-delay', name: 'Refund not received', nameSw: 'Marejesho ya kodi hayajapokelewa' },
  ],
};

const DIS: PilotAgency = {
  code: 'DIS',
  name: 'Directorate of Immigration Services',
  nameSw: 'Idara ya Huduma za Uhamiaji',
  shortName: 'Immigration',
  kind: 'agency',
  ecitizenAgencyId: '58df864cacc2',
  services: [
    {
      code: 'passport',
      name: 'Passport application',
      nameSw: 'Maombi ya pasipoti',
      ecitizenServiceId: 'e7ec53358aa8',
      url: 'https://ecitizen.go.ke/en/services/national/passport-application',
    },
    {
      code: 'passport-replacement',
      name: 'Replacing a lost or damaged passport',
      nameSw: 'Kubadilisha pasipoti iliyopotea au kuharibika',
    },
    { code: 'passport-collection', name: 'Passport collection', nameSw: 'Kuchukua pasipoti' },
    {
      code: 'evisa',
      name: 'eVisa application',
      nameSw: 'Maombi ya viza ya kielektroniki (eVisa)',
      ecitizenServiceId: 'c924b949ef0d',
      url: 'https://ecitizen.go.ke/en/services/national/evisa-application',
    },
    {
      code: 'eta',
      name: 'Electronic Travel Authorisation (eTA)',
      nameSw: 'Kibali cha Kielektroniki cha Usafiri (eTA)',
      url: 'https://www.etakenya.go.ke',
    },
    {
      code: 'visitor-pass-extension',
      name: "Extending a visitor's pass",
      nameSw: 'Kuongeza muda wa pasi ya mgeni',
      url: 'https://fns.immigration.go.ke',
    },
    {
      code: 'work-permit',
      name: 'Work permit',
      nameSw: 'Kibali cha kazi',
      ecitizenServiceId: '0fae058e0ea7',
      url: 'https://ecitizen.go.ke/en/services/national/work-permits',
    },
    {
      code: 'dependant-pass',
      name: "Dependant's pass",
      nameSw: 'Pasi ya mtegemezi',
      ecitizenServiceId: '39c6897a6fba',
      url: 'https://ecitizen.go.ke/en/services/national/dependant-pass',
    },
    {
      code: 'student-pass',
      name: 'Student pass',
      nameSw: 'Pasi ya mwanafunzi',
      ecitizenServiceId: '05880e36a932',
      url: 'https://ecitizen.go.ke/en/services/national/student-pass',
    },
    {
      code: 'special-pass',
      name: 'Special pass',
      nameSw: 'Pasi maalum',
      ecitizenServiceId: '8f81f92a6c84',
      url: 'https://ecitizen.go.ke/en/services/national/special-pass',
    },
    {
      code: 'temporary-permit',
      name: 'Temporary permit',
      nameSw: 'Kibali cha muda',
      ecitizenServiceId: '03f5118e7f0d',
      url: 'https://ecitizen.go.ke/en/services/national/temporary-permit-application',
    },
    {
      code: 'interstate-pass',
      name: 'East African interstate pass',
      nameSw: 'Pasi ya kusafiri kati ya nchi za Afrika Mashariki',
      ecitizenServiceId: 'fc3851ea0312',
      url: 'https://dis.ecitizen.go.ke/services/8/apply/52',
    },
    { code: 'permanent-residence', name: 'Permanent residence', nameSw: 'Ukaazi wa kudumu' },
    { code: 'citizenship', name: 'Kenyan citizenship', nameSw: 'Uraia wa Kenya' },
  ],
  categories: [
    DELAY,
    STAFF_CONDUCT,
    SYSTEM_DOWNTIME,
    WRONG_INFORMATION,
    FEES_CHARGES,
    LOST_DOCUMENTS,
    { code: 'border-point', name: 'Treatment at a border point', nameSw: 'Huduma katika kituo cha mpakani' },
  ],
};

const BRS: PilotAgency = {
  code: 'BRS',
  name: 'Business Registration Service',
  nameSw: 'Huduma ya Usajili wa Biashara',
  shortName: 'BRS',
  kind: 'agency',
  ecitizenAgencyId: '74657fafe5ec',
  services: [
    {
      code: 'business-name',
      name: 'Business name registration',
      nameSw: 'Usajili wa jina la biashara',
      ecitizenServiceId: '9c0a3fbcaf48',
      url: 'https://ecitizen.go.ke/en/services/national/business-name-registration',
    },
    {
      code: 'company-registration',
      name: 'Private limited company registration',
      nameSw: 'Usajili wa kampuni binafsi yenye dhima ndogo',
      ecitizenServiceId: '8299bc285591',
      url: 'https://ecitizen.go.ke/en/services/national/private-limited-company',
    },
    {
      code: 'public-company',
      name: 'Public limited company registration',
      nameSw: 'Usajili wa kampuni ya umma yenye dhima ndogo',
      ecitizenServiceId: '7dd7ec43eb6a',
      url: 'https://ecitizen.go.ke/en/services/national/public-limited-company',
    },
    {
      code: 'company-by-guarantee',
      name: 'Company limited by guarantee',
      nameSw: 'Kampuni yenye dhima ya dhamana',
      ecitizenServiceId: 'a968127417d8',
      url: 'https://ecitizen.go.ke/en/services/national/company-limited-by-guarantee',
    },
    {
      code: 'llp',
      name: 'Limited liability partnership',
      nameSw: 'Ubia wenye dhima ndogo',
      ecitizenServiceId: '12436fcb5964',
      url: 'https://ecitizen.go.ke/en/services/national/limited-liability-partnership',
    },
    {
      code: 'foreign-company',
      name: 'Foreign company registration',
      nameSw: 'Usajili wa kampuni ya kigeni',
      ecitizenServiceId: 'f586dd08d5fc',
      url: 'https://ecitizen.go.ke/en/services/national/foreign-company',
    },
    {
      code: 'cr12-search',
      name: 'Official company search (CR12)',
      nameSw: 'Utafutaji rasmi wa kampuni (CR12)',
      ecitizenServiceId: '2767dd8ea6b6',
      url: 'https://ecitizen.go.ke/en/services/national/official-search-cr12',
    },
    {
      code: 'cr13-search',
      name: 'Official search (CR13)',
      nameSw: 'Utafutaji rasmi (CR13)',
      ecitizenServiceId: '96a8369d70a8',
      url: 'https://ecitizen.go.ke/en/services/national/official-search-cr13',
    },
    { code: 'annual-returns', name: 'Company annual returns', nameSw: 'Ritani za mwaka za kampuni' },
    {
      code: 'beneficial-ownership',
      name: 'Beneficial ownership filing',
      nameSw: 'Kuwasilisha taarifa za wamiliki halisi',
    },
    {
      code: 'collateral-registration',
      name: 'Registering collateral (movable property security rights)',
      nameSw: 'Usajili wa dhamana ya mali inayohamishika',
      ecitizenServiceId: '55a1fd5b200f',
      url: 'https://brs.ecitizen.go.ke/',
    },
    {
      code: 'collateral-search',
      name: 'Collateral registry search',
      nameSw: 'Utafutaji katika sajili ya dhamana',
      ecitizenServiceId: 'e747c248a866',
      url: 'https://brs.ecitizen.go.ke/',
    },
    {
      code: 'insolvency-administration',
      name: 'Insolvency administration',
      nameSw: 'Usimamizi wa kampuni zilizofilisika',
      ecitizenServiceId: 'a3dad84536bd',
      url: 'https://brs.ecitizen.go.ke/',
    },
  ],
  categories: [
    DELAY,
    STAFF_CONDUCT,
    SYSTEM_DOWNTIME,
    WRONG_INFORMATION,
    FEES_CHARGES,
    { code: 'records-error', name: 'Error in registry records', nameSw: 'Kosa katika kumbukumbu za sajili' },
    {
      code: 'fraudulent-changes',
      name: 'Unauthorised changes to company records',
      nameSw: 'Mabadiliko yasiyoidhinishwa ya kumbukumbu za kampuni',
    },
  ],
};

const NPS: PilotAgency = {
  code: 'NPS',
  name: 'National Police Service',
  nameSw: 'Huduma ya Taifa ya Polisi',
  shortName: 'Police',
  kind: 'agency',
  ecitizenAgencyId: 'd25590676b8a',
  services: [
    {
      code: 'occurrence-book',
      name: 'Reporting an incident (Occurrence Book)',
      nameSw: 'Kuripoti tukio (Kitabu cha Matukio, OB)',
    },
    {
      code: 'case-follow-up',
      name: 'Follow-up on a reported case',
      nameSw: 'Ufuatiliaji wa kesi iliyoripotiwa',
    },
    { code: 'police-abstract', name: 'Police abstract', nameSw: 'Abstract ya polisi' },
    {
      // eCitizen lists it under the Directorate of Criminal Investigations, a directorate of the NPS.
      code: 'police-clearance',
      name: 'Police clearance certificate (certificate of good conduct)',
      nameSw: 'Cheti cha tabia njema',
      ecitizenServiceId: '66ab560846cc',
      url: 'https://ecitizen.go.ke/en/services/national/22000',
    },
    {
      code: 'traffic',
      name: 'Traffic matters and instant fines',
      nameSw: 'Masuala ya trafiki na faini za papo hapo',
    },
    { code: 'gender-violence', name: 'Gender-based violence', nameSw: 'Ukatili wa kijinsia' },
    { code: 'missing-persons', name: 'Missing persons', nameSw: 'Watu waliopotea' },
    {
      code: 'community-policing',
      name: 'Community policing and Nyumba Kumi',
      nameSw: 'Ulinzi shirikishi wa jamii na Nyumba Kumi',
    },
    { code: 'police-conduct', name: 'Conduct of police officers', nameSw: 'Mwenendo wa maafisa wa polisi' },
    {
      code: 'security-hire',
      name: 'Hire of police security services',
      nameSw: 'Kukodi huduma za ulinzi wa polisi',
      ecitizenServiceId: '8a5cda735e70',
      url: 'https://nps.ecitizen.go.ke/',
    },
  ],
  categories: [
    DELAY,
    STAFF_CONDUCT,
    WRONG_INFORMATION,
    { code: 'no-response', name: 'No response to an emergency', nameSw: 'Hakuna mwitikio wa dharura' },
    {
      code: 'report-not-recorded',
      name: 'Report not recorded in the Occurrence Book',
      nameSw: 'Ripoti haikuandikwa kwenye Kitabu cha Matukio',
    },
    {
      code: 'excessive-force',
      name: 'Excessive use of force',
      nameSw: 'Matumizi ya nguvu kupita kiasi',
    },
    {
      code: 'unlawful-arrest',
      name: 'Unlawful arrest or detention',
      nameSw: 'Kukamatwa au kuzuiliwa kinyume cha sheria',
    },
  ],
};

const MOH: PilotAgency = {
  code: 'MOH',
  name: 'Ministry of Health',
  nameSw: 'Wizara ya Afya',
  shortName: 'MoH',
  kind: 'agency',
  // eCitizen lists the ministry's agencies but not the ministry itself as an agency.
  ministryId: '6c0348f40cf6',
  description:
    'The Ministry of Health, including the Social Health Authority (SHA): public hospitals, medicines, public health and social health insurance.',
  url: 'https://www.health.go.ke',
  services: [
    // The SHA services are eCitizen's, listed under the Social Health Authority agency (4cd5f1c7c84d).
    {
      code: 'sha-registration',
      name: 'SHA member registration',
      nameSw: 'Usajili wa mwanachama wa SHA',
      ecitizenServiceId: 'a5ac7c7776d4',
      url: 'https://afyayangu.go.ke/',
    },
    {
      code: 'sha-employer-registration',
      name: 'SHA employer registration',
      nameSw: 'Usajili wa mwajiri katika SHA',
      ecitizenServiceId: '02bba166e416',
      url: 'https://employers.sha.go.ke/registration/corporate',
    },
    { code: 'sha-contributions', name: 'SHA contributions', nameSw: 'Michango ya SHA' },
    {
      code: 'sha-eligibility',
      name: 'SHA eligibility status',
      nameSw: 'Hali ya ustahiki wa huduma za SHA',
      ecitizenServiceId: '04c37c42397d',
      url: 'https://eligibility.sha.go.ke/',
    },
    { code: 'sha-benefits', name: 'SHA benefits and cover', nameSw: 'Mafao na huduma za bima ya SHA' },
    {
      code: 'facility-contracting',
      name: 'Contracting of health facilities by SHA',
      nameSw: 'Mikataba ya vituo vya afya na SHA',
      ecitizenServiceId: 'b8b78c66dcd1',
      url: 'https://econtracting.nhif.or.ke/sha/contracting',
    },
    {
      code: 'hospital-services',
      name: 'Public hospital services',
      nameSw: 'Huduma katika hospitali za umma',
    },
    { code: 'medical-records', name: 'Medical records', nameSw: 'Kumbukumbu za matibabu' },
    { code: 'drugs-availability', name: 'Availability of medicines', nameSw: 'Upatikanaji wa dawa' },
    { code: 'immunisation', name: 'Immunisation', nameSw: 'Chanjo' },
    { code: 'maternal-child-health', name: 'Maternal and child health', nameSw: 'Afya ya mama na mtoto' },
    {
      code: 'public-health',
      name: 'Public health and sanitation',
      nameSw: 'Afya ya umma na usafi wa mazingira',
    },
  ],
  categories: [
    DELAY,
    STAFF_CONDUCT,
    SYSTEM_DOWNTIME,
    WRONG_INFORMATION,
    FEES_CHARGES,
    { code: 'medicine-shortage', name: 'Medicines out of stock', nameSw: 'Ukosefu wa dawa' },
    {
      code: 'sha-claim-rejected',
      name: 'SHA cover refused or claim rejected',
      nameSw: 'Kunyimwa huduma ya SHA au dai kukataliwa',
    },
    { code: 'negligence', name: 'Medical negligence', nameSw: 'Uzembe wa kitabibu' },
  ],
};

const CLR: PilotAgency = {
  code: 'CLR',
  name: 'Baraza Clearing House',
  nameSw: 'Kituo cha Uratibu cha Baraza',
  shortName: 'Clearing House',
  kind: 'clearing_house',
  description:
    'Owns every case no agency has claimed or that the router is unsure of, and routes or refers it; it cannot close a case as "not ours".',
  // No services: the clearing house serves no one directly. Its categories say why a case is here.
  services: [],
  categories: [
    { code: 'agency-unknown', name: 'Agency not identified', nameSw: 'Taasisi haijatambuliwa' },
    { code: 'several-agencies', name: 'Concerns several agencies', nameSw: 'Inahusu taasisi kadhaa' },
    {
      code: 'agency-not-onboarded',
      name: 'Agency not yet on Baraza',
      nameSw: 'Taasisi bado haijajiunga na Baraza',
    },
    { code: 'county-matter', name: 'County government matter', nameSw: 'Suala la serikali ya kaunti' },
    { code: 'general-inquiry', name: 'General inquiry', nameSw: 'Swali la jumla' },
  ],
};

const EACC: PilotAgency = {
  code: 'EACC',
  name: 'Ethics and Anti-Corruption Commission',
  nameSw: 'Tume ya Maadili na Kupambana na Ufisadi',
  shortName: 'EACC',
  kind: 'oversight',
  // An independent commission (Article 79 of the Constitution): no ministry, and not on eCitizen.
  description: 'Receives sealed corruption and whistleblower reports and investigates breaches of ethics.',
  url: 'https://eacc.go.ke',
  services: [
    { code: 'corruption-report', name: 'Reporting corruption', nameSw: 'Kuripoti ufisadi' },
    {
      code: 'ethics-breach',
      name: 'Breach of ethics by a public officer',
      nameSw: 'Ukiukaji wa maadili na afisa wa umma',
    },
  ],
  categories: [
    { code: 'bribery', name: 'Bribery', nameSw: 'Hongo' },
    { code: 'embezzlement', name: 'Embezzlement of public funds', nameSw: 'Ubadhirifu wa fedha za umma' },
    {
      code: 'procurement-irregularities',
      name: 'Irregular procurement',
      nameSw: 'Ukiukaji wa taratibu za ununuzi',
    },
    { code: 'abuse-of-office', name: 'Abuse of office', nameSw: 'Matumizi mabaya ya mamlaka' },
    { code: 'conflict-of-interest', name: 'Conflict of interest', nameSw: 'Mgongano wa maslahi' },
    { code: 'unexplained-wealth', name: 'Unexplained wealth', nameSw: 'Mali isiyoelezeka' },
    {
      code: 'whistleblower-retaliation',
      name: 'Retaliation against a whistleblower',
      nameSw: 'Kulipiza kisasi dhidi ya mtoa taarifa',
    },
  ],
};

export const PILOT_CATALOGUE: readonly PilotAgency[] = [KRA, DIS, BRS, NPS, MOH, CLR, EACC];
