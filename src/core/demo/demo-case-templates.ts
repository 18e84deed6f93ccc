import type { CaseType } from '../../db/schema.ts';
import type { PilotAgencyCode } from '../agencies/pilot-catalogue.ts';

/*
 * What demo citizens write, per agency, in English and Kiswahili. Placeholders are filled per case:
 * {county} a county name, {months} {weeks} {days} a number in words of the case's language,
 * {amount} a sum in shillings. Service and category codes are the pilot catalogue's; one that the
 * database lacks is left empty rather than failing the seed.
 */
export interface CaseTemplate {
  type: CaseType;
  service?: string;
  category?: string;
  /** For corruption reports: the agency the report is about. */
  subject?: PilotAgencyCode;
  en: readonly [title: string, description: string];
  sw: readonly [title: string, description: string];
}

const KRA: CaseTemplate[] = [
  {
    type: 'complaint',
    service: 'tax-refund',
    category: 'refund-delay',
    en: [
      'Tax refund not received',
      'I applied for a tax refund of {amount} on iTax {months} months ago and it was approved, but the money has still not been paid into my account. Every time I call the contact centre I am told it is being processed.',
    ],
    sw: [
      'Marejesho ya kodi hayajalipwa',
      'Niliomba marejesho ya kodi ya {amount} kwenye iTax miezi {months} iliyopita na yakaidhinishwa, lakini pesa bado hazijaingia kwenye akaunti yangu. Kila ninapopiga simu kituo cha huduma naambiwa yanashughulikiwa.',
    ],
  },
  {
    type: 'complaint',
    service: 'itax-returns',
    category: 'system-downtime',
    en: [
      'iTax down on the filing deadline',
      'I tried to file my annual returns on iTax for two days before the 30th June deadline but the portal kept timing out. Now I have been charged a late filing penalty of {amount} through no fault of my own.',
    ],
    sw: [
      'iTax haikufanya kazi siku ya mwisho',
      'Nilijaribu kuwasilisha ritani zangu za mwaka kwenye iTax kwa siku mbili kabla ya tarehe ya mwisho ya 30 Juni lakini tovuti ilikuwa ikikatika. Sasa nimetozwa adhabu ya kuchelewa ya {amount} bila kosa langu.',
    ],
  },
  {
    type: 'complaint',
    service: 'nil-returns',
    category: 'penalties-interest',
    en: [
      'Penalty charged on nil returns',
      'I have filed nil returns every year since I registered my PIN as a student, but iTax shows a penalty of {amount} for a year I have a filing receipt for.',
    ],
    sw: [
      'Adhabu kwa ritani sifuri',
      'Nimewasilisha ritani sifuri kila mwaka tangu nilipojisajili PIN nikiwa mwanafunzi, lakini iTax inaonyesha adhabu ya {amount} kwa mwaka ambao nina risiti ya kuwasilisha.',
    ],
  },
  {
    type: 'service_request',
    service: 'tax-compliance-certificate',
    category: 'delay',
    en: [
      'Tax compliance certificate not issued',
      'I need a tax compliance certificate for a county tender that closes in {days} days. My application has been pending for {weeks} weeks although all my returns are filed and I owe nothing.',
    ],
    sw: [
      'Cheti cha utiifu wa kodi hakijatolewa',
      'Nahitaji cheti cha utiifu wa kodi kwa zabuni ya kaunti inayofungwa baada ya siku {days}. Ombi langu limekaa kwa wiki {weeks} ingawa ritani zangu zote zimewasilishwa na sidaiwi chochote.',
    ],
  },
  {
    type: 'complaint',
    service: 'pin-registration',
    category: 'wrong-information',
    en: [
      'PIN registered with the wrong name',
      'My KRA PIN certificate shows my name misspelt and a wrong date of birth. The Huduma Centre in {county} told me I must travel to Times Tower in Nairobi to correct it.',
    ],
    sw: [
      'PIN imesajiliwa kwa jina lisilo sahihi',
      'Cheti changu cha PIN ya KRA kinaonyesha jina langu limekosewa na tarehe ya kuzaliwa si sahihi. Kituo cha Huduma {county} kiliniambia lazima niende Times Tower Nairobi kurekebisha.',
    ],
  },
  {
    type: 'complaint',
    service: 'paye',
    category: 'wrong-assessment',
    en: [
      "Employer's PAYE not reflected",
      'My employer deducts PAYE every month, but my iTax ledger says I owe {amount} because the payments are not reflected against my PIN.',
    ],
    sw: [
      'PAYE ya mwajiri haionekani',
      'Mwajiri wangu hukata PAYE kila mwezi, lakini leja yangu ya iTax inaonyesha nadaiwa {amount} kwa sababu malipo hayo hayaonekani kwenye PIN yangu.',
    ],
  },
  {
    type: 'complaint',
    service: 'customs',
    category: 'staff-conduct',
    en: [
      'Goods held at the border',
      'My goods have been held at the Busia one-stop border post for {days} days. The customs officer will not tell me which document is missing and does not answer when I ask.',
    ],
    sw: [
      'Mizigo imezuiliwa mpakani',
      'Mizigo yangu imezuiliwa katika kituo cha mpakani cha Busia kwa siku {days}. Afisa wa forodha hataki kuniambia ni hati gani inakosekana na hajibu ninapouliza.',
    ],
  },
  {
    type: 'inquiry',
    service: 'rental-income-tax',
    en: [
      'How to pay tax on rent',
      'I have started renting out two rooms in {county}. How do I register for monthly rental income tax, and what rate applies?',
    ],
    sw: [
      'Jinsi ya kulipa kodi ya mapato ya nyumba',
      'Nimeanza kupangisha vyumba viwili {county}. Nitajisajili vipi kwa kodi ya mapato ya nyumba ya kila mwezi, na kiwango ni kipi?',
    ],
  },
  {
    type: 'complaint',
    service: 'etims',
    category: 'system-downtime',
    en: [
      'eTIMS rejects my invoices',
      'Since last week eTIMS rejects every invoice I generate with an error about my PIN, and my customers refuse to pay {amount} without a valid invoice.',
    ],
    sw: [
      'eTIMS inakataa ankara zangu',
      'Tangu wiki iliyopita eTIMS inakataa kila ankara ninayotengeneza ikionyesha kosa kuhusu PIN yangu, na wateja wangu wanakataa kulipa {amount} bila ankara halali.',
    ],
  },
  {
    type: 'suggestion',
    service: 'nil-returns',
    en: [
      'Filing reminders by SMS',
      'Please send an SMS reminder a week before the filing deadline, and let people without smartphones file nil returns by USSD.',
    ],
    sw: [
      'Vikumbusho kwa SMS',
      'Tafadhali tumeni ujumbe wa kukumbusha wiki moja kabla ya tarehe ya mwisho, na muwaruhusu wasio na simu janja kuwasilisha ritani sifuri kwa USSD.',
    ],
  },
  {
    type: 'compliment',
    service: 'tax-dispute',
    en: [
      'Objection handled well',
      'I want to thank the officer at the KRA office in {county} who explained my objection clearly and had the wrong assessment cancelled within a week.',
    ],
    sw: [
      'Pingamizi lilishughulikiwa vizuri',
      'Nataka kumshukuru afisa wa ofisi ya KRA {county} aliyenieleza pingamizi langu vizuri na tathmini isiyo sahihi ikafutwa ndani ya wiki moja.',
    ],
  },
];

const DIS: CaseTemplate[] = [
  {
    type: 'complaint',
    service: 'passport',
    category: 'delay',
    en: [
      'Passport pending for months',
      'My passport has been pending for {months} months at Nyayo House. The eCitizen status still says "processing" and nobody answers the phone.',
    ],
    sw: [
      'Pasipoti imechelewa kwa miezi',
      'Nimesubiri pasipoti yangu kwa miezi {months} katika Nyayo House. Hali kwenye eCitizen bado inasema "inashughulikiwa" na hakuna anayejibu simu.',
    ],
  },
  {
    type: 'complaint',
    service: 'passport-collection',
    category: 'lost-documents',
    en: [
      'Passport ready but cannot be found',
      'I received an SMS that my passport is ready for collection at the regional office in {county}, but I have been there twice and they cannot find it.',
    ],
    sw: [
      'Pasipoti iko tayari lakini haipatikani',
      'Nilipokea ujumbe kwamba pasipoti yangu iko tayari kuchukuliwa katika ofisi ya kanda {county}, lakini nimeenda mara mbili na hawaipati.',
    ],
  },
  {
    type: 'complaint',
    service: 'passport',
    category: 'fees-charges',
    en: [
      'Charged twice for one application',
      'eCitizen charged my M-Pesa twice for one passport application ({amount} each time). I have both M-Pesa messages but no refund after {weeks} weeks.',
    ],
    sw: [
      'Nimelipishwa mara mbili kwa ombi moja',
      'eCitizen ilikata M-Pesa yangu mara mbili kwa ombi moja la pasipoti ({amount} kila mara). Nina jumbe zote mbili za M-Pesa lakini sijarudishiwa pesa baada ya wiki {weeks}.',
    ],
  },
  {
    type: 'complaint',
    service: 'eta',
    category: 'system-downtime',
    en: [
      'eTA payment page fails',
      'I am a tour operator with guests arriving from Germany in {days} days. The eTA payment page fails at the card step every time we try.',
    ],
    sw: [
      'Ukurasa wa malipo ya eTA unakwama',
      'Mimi ni mwendeshaji wa utalii na wageni wanaofika kutoka Ujerumani baada ya siku {days}. Ukurasa wa malipo ya eTA unakwama wakati wa kulipa kwa kadi kila tunapojaribu.',
    ],
  },
  {
    type: 'complaint',
    service: 'work-permit',
    category: 'delay',
    en: [
      'Work permit renewal delayed',
      "Our engineer's class D work permit renewal has been pending for {months} months and his pass expires soon. We submitted every document on time.",
    ],
    sw: [
      'Kuongezewa kibali cha kazi kumechelewa',
      'Ombi la kuongeza kibali cha kazi cha daraja D cha mhandisi wetu limekaa kwa miezi {months} na pasi yake inaisha hivi karibuni. Tuliwasilisha nyaraka zote kwa wakati.',
    ],
  },
  {
    type: 'complaint',
    service: 'passport',
    category: 'staff-conduct',
    en: [
      'Rude treatment at the biometrics counter',
      'The officer at the biometrics counter shouted at elderly applicants and sent us all away at 3 pm, saying the system was closed.',
    ],
    sw: [
      'Tulitendewa vibaya kwenye dirisha la alama za vidole',
      'Afisa wa dirisha la alama za vidole aliwafokea wazee waliokuwa wakiomba na akatufukuza sote saa tisa alasiri akisema mfumo umefungwa.',
    ],
  },
  {
    type: 'concern',
    category: 'border-point',
    en: [
      'Long queues at Namanga',
      'We waited more than five hours at the Namanga one-stop border post because only one immigration counter was open.',
    ],
    sw: [
      'Foleni ndefu Namanga',
      'Tulisubiri zaidi ya saa tano katika kituo cha mpakani cha Namanga kwa sababu dirisha moja tu la uhamiaji lilikuwa wazi.',
    ],
  },
  {
    type: 'inquiry',
    service: 'passport-replacement',
    en: [
      'Replacing a lost passport',
      'I lost my passport while travelling in {county}. Do I need a police abstract before I apply for a replacement, and how long does it take?',
    ],
    sw: [
      'Kubadilisha pasipoti iliyopotea',
      'Nimepoteza pasipoti yangu nikiwa safarini {county}. Je, nahitaji abstract ya polisi kabla ya kuomba nyingine, na inachukua muda gani?',
    ],
  },
  {
    type: 'service_request',
    service: 'citizenship',
    category: 'delay',
    en: [
      'No feedback on citizenship application',
      'I applied for registration as a citizen by marriage {months} months ago and attended the interview, but I have had no feedback since.',
    ],
    sw: [
      'Hakuna jibu kuhusu ombi la uraia',
      'Niliomba kusajiliwa kama raia kwa ndoa miezi {months} iliyopita na nikahudhuria mahojiano, lakini sijapata jibu lolote tangu hapo.',
    ],
  },
  {
    type: 'compliment',
    service: 'passport',
    en: [
      'Passport issued quickly',
      'My passport was ready in ten days and the staff at the office in {county} were very helpful. Thank you.',
    ],
    sw: [
      'Pasipoti ilitolewa haraka',
      'Pasipoti yangu ilikuwa tayari ndani ya siku kumi na wafanyakazi wa ofisi ya {county} walinisaidia sana. Asanteni.',
    ],
  },
  {
    type: 'suggestion',
    service: 'passport',
    en: [
      'Open passport services on Saturdays',
      'Please open passport services on Saturdays at the regional offices; many of us cannot leave work on weekdays.',
    ],
    sw: [
      'Fungueni huduma za pasipoti Jumamosi',
      'Tafadhali fungueni huduma za pasipoti siku za Jumamosi katika ofisi za kanda; wengi wetu hatuwezi kuacha kazi siku za wiki.',
    ],
  },
];

const BRS: CaseTemplate[] = [
  {
    type: 'complaint',
    service: 'business-name',
    category: 'delay',
    en: [
      'Business name registration stuck',
      'I paid {amount} to register a business name {weeks} weeks ago and the application is still "pending approval" on eCitizen.',
    ],
    sw: [
      'Usajili wa jina la biashara umekwama',
      'Nililipa {amount} kusajili jina la biashara wiki {weeks} zilizopita na ombi bado liko "linasubiri kuidhinishwa" kwenye eCitizen.',
    ],
  },
  {
    type: 'complaint',
    service: 'company-registration',
    category: 'records-error',
    en: [
      "Wrong director's details on certificate",
      "Our certificate of incorporation has one director's ID number wrong. The bank will not open our account until it is corrected.",
    ],
    sw: [
      'Maelezo ya mkurugenzi si sahihi kwenye cheti',
      'Cheti chetu cha usajili wa kampuni kina nambari ya kitambulisho ya mkurugenzi mmoja isiyo sahihi. Benki haitafungua akaunti yetu hadi irekebishwe.',
    ],
  },
  {
    type: 'service_request',
    service: 'cr12-search',
    category: 'delay',
    en: [
      'CR12 not issued',
      'We requested a CR12 for a tender {days} days ago. The tender closes this week and the search is still pending.',
    ],
    sw: [
      'CR12 haijatolewa',
      'Tuliomba CR12 kwa ajili ya zabuni siku {days} zilizopita. Zabuni inafungwa wiki hii na utafutaji bado haujakamilika.',
    ],
  },
  {
    type: 'complaint',
    service: 'company-registration',
    category: 'fraudulent-changes',
    en: [
      'Directors changed without our consent',
      'Someone has filed changes removing me as a director of our family company in {county}. None of the directors signed those forms.',
    ],
    sw: [
      'Wakurugenzi wamebadilishwa bila idhini yetu',
      'Mtu amewasilisha mabadiliko yanayoniondoa kama mkurugenzi wa kampuni ya familia yetu {county}. Hakuna mkurugenzi aliyetia sahihi fomu hizo.',
    ],
  },
  {
    type: 'complaint',
    service: 'annual-returns',
    category: 'fees-charges',
    en: [
      'Penalties for years before we existed',
      'The system demands {amount} in penalties for annual returns of years before our company was even registered.',
    ],
    sw: [
      'Adhabu kwa miaka kabla ya kusajiliwa',
      'Mfumo unadai {amount} kama adhabu ya ritani za mwaka za miaka kabla hata kampuni yetu haijasajiliwa.',
    ],
  },
  {
    type: 'complaint',
    service: 'beneficial-ownership',
    category: 'system-downtime',
    en: [
      'Cannot file beneficial ownership',
      'The beneficial ownership form fails every time I add a shareholder that is a foreign company. I have tried for {weeks} weeks.',
    ],
    sw: [
      'Siwezi kuwasilisha taarifa za wamiliki halisi',
      'Fomu ya wamiliki halisi inakataa kila ninapoongeza mwanahisa ambaye ni kampuni ya kigeni. Nimejaribu kwa wiki {weeks}.',
    ],
  },
  {
    type: 'complaint',
    service: 'collateral-search',
    category: 'wrong-information',
    en: [
      'Collateral search shows a paid-off loan',
      'A collateral search on my car still shows a bank charge that was discharged {months} months ago, so I cannot sell it.',
    ],
    sw: [
      'Utafutaji unaonyesha mkopo uliolipwa',
      'Utafutaji wa dhamana kwenye gari langu bado unaonyesha deni la benki lililolipwa miezi {months} iliyopita, kwa hiyo siwezi kuliuza.',
    ],
  },
  {
    type: 'inquiry',
    service: 'llp',
    en: [
      'Converting a partnership to an LLP',
      'We are three partners running a hardware shop in {county}. What documents do we need to convert to a limited liability partnership?',
    ],
    sw: [
      'Kubadilisha ubia kuwa LLP',
      'Sisi ni washirika watatu tunaoendesha duka la vifaa vya ujenzi {county}. Tunahitaji nyaraka gani ili kubadilisha kuwa ubia wenye dhima ndogo?',
    ],
  },
  {
    type: 'complaint',
    service: 'business-name',
    category: 'staff-conduct',
    en: [
      'Sent to a paid agent for a free form',
      'Staff at the Huduma Centre in {county} told me to use an agent outside who charges {amount} to fill in a form that is free online.',
    ],
    sw: [
      'Nimeelekezwa kwa wakala wa kulipia',
      'Wafanyakazi wa Kituo cha Huduma {county} waliniambia nitumie wakala aliye nje anayetoza {amount} kujaza fomu ambayo ni bure mtandaoni.',
    ],
  },
  {
    type: 'compliment',
    service: 'business-name',
    en: [
      'Registered in one day',
      'I registered my business name online in one day and received the certificate by e-mail. Excellent service.',
    ],
    sw: [
      'Nilisajiliwa kwa siku moja',
      'Nilisajili jina la biashara yangu mtandaoni kwa siku moja na nikapokea cheti kwa barua pepe. Huduma nzuri sana.',
    ],
  },
  {
    type: 'suggestion',
    service: 'cr12-search',
    en: [
      'Issue CR12 on payment',
      'Let business owners download a CR12 as soon as they pay, instead of waiting days for someone to approve it.',
    ],
    sw: [
      'Toeni CR12 mara baada ya malipo',
      'Waruhusuni wafanyabiashara kupakua CR12 mara tu wanapolipa, badala ya kusubiri siku kadhaa mtu aidhinishe.',
    ],
  },
];

const NPS: CaseTemplate[] = [
  {
    type: 'complaint',
    service: 'occurrence-book',
    category: 'report-not-recorded',
    en: [
      'Police refused to record my report',
      'I went to report the theft of my motorbike at a police station in {county}, but the officers refused to give me an OB number and told me to come back later.',
    ],
    sw: [
      'Polisi walikataa kuandika ripoti yangu',
      'Nilienda kuripoti wizi wa pikipiki yangu katika kituo cha polisi {county}, lakini maafisa walikataa kunipa nambari ya OB wakaniambia nirudi baadaye.',
    ],
  },
  {
    type: 'service_request',
    service: 'police-abstract',
    category: 'delay',
    en: [
      'Police abstract delayed',
      'I need a police abstract for my lost ID card to apply for a new one. It has been {weeks} weeks and the station keeps saying the OCS is away.',
    ],
    sw: [
      'Abstract ya polisi imechelewa',
      'Nahitaji abstract ya polisi kwa kitambulisho changu kilichopotea ili niombe kingine. Imepita wiki {weeks} na kituo kinasema OCS hayupo.',
    ],
  },
  {
    type: 'complaint',
    service: 'police-clearance',
    category: 'delay',
    en: [
      'Certificate of good conduct delayed',
      'My certificate of good conduct has been pending for {weeks} weeks. I need it for a job offer that lapses at the end of the month.',
    ],
    sw: [
      'Cheti cha tabia njema kimechelewa',
      'Ombi langu la cheti cha tabia njema limekaa kwa wiki {weeks}. Nakihitaji kwa nafasi ya kazi inayoisha mwisho wa mwezi.',
    ],
  },
  {
    type: 'complaint',
    service: 'occurrence-book',
    category: 'no-response',
    en: [
      'No response to a break-in',
      'Thieves broke into our shop at night in {county}. We called the police several times but nobody came until the morning.',
    ],
    sw: [
      'Hakuna mwitikio wakati wa uvunjaji',
      'Wezi walivunja duka letu usiku {county}. Tulipiga simu polisi mara kadhaa lakini hakuna aliyekuja hadi asubuhi.',
    ],
  },
  {
    type: 'complaint',
    service: 'traffic',
    category: 'staff-conduct',
    en: [
      'Vehicle impounded without a notice',
      'Traffic officers impounded my matatu at a roadblock in {county} without giving me a notice or saying what offence was committed.',
    ],
    sw: [
      'Gari limezuiliwa bila notisi',
      'Maafisa wa trafiki walizuia matatu yangu kwenye kizuizi {county} bila kunipa notisi wala kusema kosa ni lipi.',
    ],
  },
  {
    type: 'concern',
    service: 'gender-violence',
    category: 'delay',
    en: [
      'Domestic violence case not followed up',
      'My sister reported domestic violence {weeks} weeks ago. The suspect is still at home and the investigating officer does not answer calls.',
    ],
    sw: [
      'Kesi ya ukatili wa nyumbani haijafuatiliwa',
      'Dada yangu aliripoti ukatili wa nyumbani wiki {weeks} zilizopita. Mshukiwa bado yuko nyumbani na afisa mpelelezi hajibu simu.',
    ],
  },
  {
    type: 'concern',
    service: 'missing-persons',
    category: 'no-response',
    en: [
      'Missing son, no updates',
      'My son went missing in {county} {days} days ago. We reported it at the police station but have heard nothing since.',
    ],
    sw: [
      'Mwanangu amepotea, hakuna taarifa',
      'Mwanangu alipotea {county} siku {days} zilizopita. Tuliripoti kituo cha polisi lakini hatujasikia chochote tangu hapo.',
    ],
  },
  {
    type: 'complaint',
    service: 'police-conduct',
    category: 'excessive-force',
    en: [
      'Excessive force during an arrest',
      'Officers beat my neighbour during an arrest outside a bar in {county} although he did not resist. Several people recorded it on their phones.',
    ],
    sw: [
      'Nguvu kupita kiasi wakati wa kukamatwa',
      'Maafisa walimpiga jirani yangu walipomkamata nje ya baa {county} ingawa hakupinga. Watu kadhaa walirekodi tukio hilo kwa simu zao.',
    ],
  },
  {
    type: 'complaint',
    service: 'police-conduct',
    category: 'unlawful-arrest',
    en: [
      'Held without charge',
      'My husband has been held at a police station in {county} for {days} days without being taken to court or told the charge.',
    ],
    sw: [
      'Amezuiliwa bila kushtakiwa',
      'Mume wangu amezuiliwa katika kituo cha polisi {county} kwa siku {days} bila kupelekwa mahakamani wala kuambiwa kosa lake.',
    ],
  },
  {
    type: 'inquiry',
    service: 'case-follow-up',
    en: [
      'Status of my burglary case',
      'I reported a burglary in {county} {months} months ago. How can I find out whether the case has gone to court?',
    ],
    sw: [
      'Hali ya kesi yangu ya wizi',
      'Niliripoti wizi wa nyumbani {county} miezi {months} iliyopita. Nitajuaje kama kesi imefikishwa mahakamani?',
    ],
  },
  {
    type: 'compliment',
    service: 'community-policing',
    en: [
      'Quick response by officers',
      'Officers from the local police post came within minutes when thieves attacked our estate in {county}. Thank you.',
    ],
    sw: [
      'Maafisa walifika haraka',
      'Maafisa wa kituo cha polisi cha karibu walifika ndani ya dakika chache wezi walipovamia mtaa wetu {county}. Asanteni.',
    ],
  },
];

const MOH: CaseTemplate[] = [
  {
    type: 'complaint',
    service: 'sha-benefits',
    category: 'sha-claim-rejected',
    en: [
      'SHA cover refused at hospital',
      'The hospital in {county} refused to admit my mother under SHA, saying she is not eligible, yet I have paid contributions every month.',
    ],
    sw: [
      'Huduma ya SHA ilikataliwa hospitalini',
      'Hospitali {county} ilikataa kumlaza mama yangu kupitia SHA ikisema hastahili, ilhali nimelipa michango kila mwezi.',
    ],
  },
  {
    type: 'complaint',
    service: 'sha-registration',
    category: 'system-downtime',
    en: [
      'Cannot register with SHA',
      'I have tried to register my family with SHA by USSD and online for {weeks} weeks; it says my ID number is not found.',
    ],
    sw: [
      'Siwezi kujisajili SHA',
      'Nimejaribu kusajili familia yangu kwenye SHA kwa USSD na mtandaoni kwa wiki {weeks}; inasema nambari yangu ya kitambulisho haipatikani.',
    ],
  },
  {
    type: 'complaint',
    service: 'drugs-availability',
    category: 'medicine-shortage',
    en: [
      'No medicines at the health centre',
      'The health centre in {county} has had no malaria or diabetes drugs for {weeks} weeks. Patients are sent to buy them from private chemists.',
    ],
    sw: [
      'Hakuna dawa katika kituo cha afya',
      'Kituo cha afya {county} hakijakuwa na dawa za malaria wala kisukari kwa wiki {weeks}. Wagonjwa wanatumwa kununua kwa maduka ya dawa ya kibinafsi.',
    ],
  },
  {
    type: 'complaint',
    service: 'hospital-services',
    category: 'staff-conduct',
    en: [
      'No nurse at casualty at night',
      'When I took my child to the county hospital in {county} at night, there was no nurse at the casualty desk for two hours.',
    ],
    sw: [
      'Hakukuwa na muuguzi usiku',
      'Nilipompeleka mtoto wangu hospitali ya kaunti {county} usiku, hakukuwa na muuguzi katika idara ya dharura kwa saa mbili.',
    ],
  },
  {
    type: 'complaint',
    service: 'sha-contributions',
    category: 'fees-charges',
    en: [
      'SHA contribution deducted twice',
      'An SHA contribution of {amount} was deducted from my salary and again from my M-Pesa for the same month.',
    ],
    sw: [
      'Mchango wa SHA umekatwa mara mbili',
      'Mchango wa SHA wa {amount} ulikatwa kwenye mshahara wangu na tena kwenye M-Pesa yangu kwa mwezi huo huo.',
    ],
  },
  {
    type: 'complaint',
    service: 'maternal-child-health',
    category: 'fees-charges',
    en: [
      'Charged for delivery',
      'The hospital in {county} asked me to pay {amount} for delivery although maternity care is free under SHA.',
    ],
    sw: [
      'Nimetozwa kujifungua',
      'Hospitali {county} iliniambia nilipe {amount} kwa kujifungua ingawa huduma ya uzazi ni bure chini ya SHA.',
    ],
  },
  {
    type: 'complaint',
    service: 'hospital-services',
    category: 'negligence',
    en: [
      'Sent home with the wrong diagnosis',
      'My father was sent home with painkillers from a hospital in {county} and came back two days later with a burst appendix.',
    ],
    sw: [
      'Alirudishwa nyumbani bila utambuzi sahihi',
      'Baba yangu alirudishwa nyumbani na dawa za maumivu kutoka hospitali {county} na akarudi siku mbili baadaye akiwa na kidole tumbo kilichopasuka.',
    ],
  },
  {
    type: 'service_request',
    service: 'medical-records',
    category: 'delay',
    en: [
      'Medical records not released',
      'I have asked the hospital for my medical records for {weeks} weeks to get a second opinion; they keep saying the file is missing.',
    ],
    sw: [
      'Kumbukumbu za matibabu hazijatolewa',
      'Nimeomba kumbukumbu zangu za matibabu kutoka hospitali kwa wiki {weeks} ili nipate maoni ya daktari mwingine; wanasema faili halipatikani.',
    ],
  },
  {
    type: 'concern',
    service: 'immunisation',
    category: 'medicine-shortage',
    en: [
      'Measles vaccine out of stock',
      'The clinic in {county} has had no measles vaccine for a month and mothers are told to keep coming back.',
    ],
    sw: [
      'Chanjo ya surua haipatikani',
      'Kliniki {county} haijakuwa na chanjo ya surua kwa mwezi mmoja na akina mama wanaambiwa waendelee kurudi.',
    ],
  },
  {
    type: 'concern',
    service: 'public-health',
    en: [
      'Sewage flowing beside a school',
      'Raw sewage has been flowing beside a primary school in {county} for {weeks} weeks and children are falling sick.',
    ],
    sw: [
      'Maji taka yanatiririka kando ya shule',
      'Maji taka yamekuwa yakitiririka kando ya shule ya msingi {county} kwa wiki {weeks} na watoto wanaugua.',
    ],
  },
  {
    type: 'compliment',
    service: 'maternal-child-health',
    en: [
      'Excellent care in the maternity ward',
      'The nurses in the maternity ward in {county} were kind and professional throughout my stay. Thank you.',
    ],
    sw: [
      'Huduma bora wodi ya wazazi',
      'Wauguzi wa wodi ya wazazi {county} walikuwa wenye huruma na weledi muda wote nilipokuwa pale. Asanteni.',
    ],
  },
];

const CLR: CaseTemplate[] = [
  {
    type: 'complaint',
    category: 'county-matter',
    en: [
      'Road to the hospital impassable',
      'The road from the market to the sub-county hospital in {county} has been impassable for {months} months. Ambulances cannot get through when it rains.',
    ],
    sw: [
      'Barabara ya hospitali haipitiki',
      'Barabara kutoka sokoni hadi hospitali ya kaunti ndogo {county} haipitiki kwa miezi {months}. Magari ya wagonjwa hayawezi kupita mvua ikinyesha.',
    ],
  },
  {
    type: 'complaint',
    category: 'agency-not-onboarded',
    en: [
      'Electricity token not received',
      'I bought electricity tokens worth {amount} by M-Pesa and never received the token. Kenya Power customer care has not helped.',
    ],
    sw: [
      'Tokeni ya umeme haijafika',
      'Nilinunua tokeni za umeme za {amount} kwa M-Pesa na sikupokea tokeni. Huduma kwa wateja ya Kenya Power haijanisaidia.',
    ],
  },
  {
    type: 'complaint',
    category: 'agency-not-onboarded',
    en: [
      'Title deed delayed at the land registry',
      'I applied for a title deed at the land registry in {county} {months} months ago and I am always told the file is missing.',
    ],
    sw: [
      'Hati miliki imechelewa',
      'Niliomba hati miliki katika sajili ya ardhi {county} miezi {months} iliyopita na kila mara naambiwa faili halipatikani.',
    ],
  },
  {
    type: 'complaint',
    category: 'county-matter',
    en: [
      'No water but full bills',
      'Our estate in {county} has had no piped water for {weeks} weeks, but we still receive full water bills.',
    ],
    sw: [
      'Hakuna maji lakini bili kamili',
      'Mtaa wetu {county} haujapata maji ya bomba kwa wiki {weeks}, lakini bado tunapokea bili kamili za maji.',
    ],
  },
  {
    type: 'complaint',
    category: 'agency-unknown',
    en: [
      'Money taken for a payment I did not make',
      '{amount} was deducted from my M-Pesa for a government payment I did not make, and I do not know which office to ask.',
    ],
    sw: [
      'Pesa zimekatwa kwa malipo ambayo sikufanya',
      '{amount} zilikatwa kwenye M-Pesa yangu kwa malipo ya serikali ambayo sikufanya, na sijui niulize ofisi gani.',
    ],
  },
  {
    type: 'complaint',
    category: 'agency-not-onboarded',
    en: [
      'Renewed driving licence shows as expired',
      'I renewed my smart driving licence on eCitizen, but the records still show it as expired and I was fined at a roadblock in {county}.',
    ],
    sw: [
      'Leseni iliyolipiwa inaonyesha imeisha',
      'Nililipia leseni yangu janja ya udereva kwenye eCitizen, lakini kumbukumbu bado zinaonyesha imeisha muda na nikatozwa faini kwenye kizuizi {county}.',
    ],
  },
  {
    type: 'service_request',
    category: 'several-agencies',
    en: [
      'Birth certificate holding up an ID card',
      'My daughter needs a birth certificate to get an ID card, and the registry says it is waiting for hospital records. Nobody takes responsibility.',
    ],
    sw: [
      'Cheti cha kuzaliwa kinachelewesha kitambulisho',
      'Binti yangu anahitaji cheti cha kuzaliwa ili apate kitambulisho, na ofisi ya usajili inasema inasubiri kumbukumbu za hospitali. Hakuna anayewajibika.',
    ],
  },
  {
    type: 'inquiry',
    category: 'general-inquiry',
    en: [
      'Where to apply for a bursary',
      'Which office handles secondary school bursaries in {county}, and when do applications open?',
    ],
    sw: [
      'Ninaomba basari wapi',
      'Ni ofisi gani inashughulikia basari za shule za upili {county}, na maombi yanaanza lini?',
    ],
  },
  {
    type: 'complaint',
    category: 'county-matter',
    en: [
      'Market stalls demolished without notice',
      'County officers demolished our market stalls in {county} at night without any notice, destroying goods worth {amount}.',
    ],
    sw: [
      'Vibanda vya soko vimebomolewa bila notisi',
      'Maafisa wa kaunti walibomoa vibanda vyetu vya soko {county} usiku bila notisi yoyote, wakaharibu bidhaa za thamani ya {amount}.',
    ],
  },
  {
    type: 'suggestion',
    category: 'general-inquiry',
    en: [
      'One number for all complaints',
      'Please publish one short code that works for every government office; most people do not know where to complain.',
    ],
    sw: [
      'Nambari moja kwa malalamiko yote',
      'Tafadhali tangazeni nambari fupi moja inayofanya kazi kwa ofisi zote za serikali; watu wengi hawajui pa kulalamikia.',
    ],
  },
  {
    type: 'complaint',
    category: 'agency-not-onboarded',
    en: [
      'Pension not paid',
      'I retired as a teacher {months} months ago and my pension has not been paid. The pensions office says my file is incomplete.',
    ],
    sw: [
      'Pensheni haijalipwa',
      'Nilistaafu ualimu miezi {months} iliyopita na pensheni yangu haijalipwa. Ofisi ya pensheni inasema faili langu halijakamilika.',
    ],
  },
];

const EACC: CaseTemplate[] = [
  {
    type: 'corruption_report',
    service: 'corruption-report',
    category: 'bribery',
    subject: 'DIS',
    en: [
      'Bribe demanded for a passport',
      'An officer at the immigration office asked me for {amount} to "fast-track" my passport and said it would otherwise take six months.',
    ],
    sw: [
      'Hongo iliombwa kwa pasipoti',
      'Afisa katika ofisi ya uhamiaji aliniomba {amount} ili "kuharakisha" pasipoti yangu na akasema vinginevyo itachukua miezi sita.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'corruption-report',
    category: 'bribery',
    subject: 'NPS',
    en: [
      'Traffic officers collecting bribes',
      'Traffic officers at a roadblock in {county} collect money from every matatu each morning between 6 and 9. Drivers who refuse are booked.',
    ],
    sw: [
      'Maafisa wa trafiki wanakusanya hongo',
      'Maafisa wa trafiki kwenye kizuizi {county} hukusanya pesa kutoka kila matatu kila asubuhi kati ya saa kumi na mbili na saa tatu. Madereva wanaokataa wanaandikiwa makosa.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'corruption-report',
    category: 'procurement-irregularities',
    subject: 'MOH',
    en: [
      'Medicine tender awarded to a relative',
      "A tender to supply medicines in {county} went to a company owned by the procurement officer's brother, at twice the market price.",
    ],
    sw: [
      'Zabuni ya dawa imepewa jamaa',
      'Zabuni ya kusambaza dawa {county} ilipewa kampuni inayomilikiwa na kaka wa afisa wa ununuzi, kwa bei mara mbili ya soko.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'corruption-report',
    category: 'embezzlement',
    en: [
      'Bursary funds paid to ghost students',
      'Bursary funds in our ward in {county} were paid to students who do not exist. I have a copy of the list from the office.',
    ],
    sw: [
      'Fedha za basari zimelipwa wanafunzi hewa',
      'Fedha za basari katika wadi yetu {county} zililipwa kwa wanafunzi wasiokuwepo. Nina nakala ya orodha kutoka ofisini.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'corruption-report',
    category: 'abuse-of-office',
    subject: 'KRA',
    en: [
      'Tax officer threatening a business',
      'A tax officer threatens to close my shop with a huge assessment unless I pay him {amount} privately.',
    ],
    sw: [
      'Afisa wa kodi anatishia biashara yangu',
      'Afisa wa kodi anatishia kufunga duka langu kwa tathmini kubwa nisipomlipa {amount} yeye binafsi.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'ethics-breach',
    category: 'unexplained-wealth',
    en: [
      'Clerk with unexplained properties',
      'A clerk at the land office in {county} earns a modest salary but has built several rental blocks in the last two years.',
    ],
    sw: [
      'Karani mwenye mali isiyoelezeka',
      'Karani katika ofisi ya ardhi {county} ana mshahara wa kawaida lakini amejenga majengo kadhaa ya kupangisha katika miaka miwili iliyopita.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'corruption-report',
    category: 'bribery',
    subject: 'MOH',
    en: [
      'Payment demanded for a hospital bed',
      'Ward staff at a public hospital in {county} demand {amount} before admitting patients who are covered by SHA.',
    ],
    sw: [
      'Malipo yanadaiwa ili kupata kitanda',
      'Wafanyakazi wa wodi katika hospitali ya umma {county} wanadai {amount} kabla ya kuwalaza wagonjwa walio na bima ya SHA.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'ethics-breach',
    category: 'conflict-of-interest',
    subject: 'BRS',
    en: [
      'Registry officer running an agency',
      'An officer at the business registry also runs a registration agency and delays applications that do not go through it.',
    ],
    sw: [
      'Afisa wa sajili anaendesha wakala',
      'Afisa katika sajili ya biashara pia anaendesha wakala wa usajili na huchelewesha maombi yasiyopitia kwake.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'corruption-report',
    category: 'whistleblower-retaliation',
    en: [
      'Transferred after reporting',
      'After I reported irregular payments in my department I was transferred to a remote station and my salary was stopped.',
    ],
    sw: [
      'Nimehamishwa baada ya kuripoti',
      'Baada ya kuripoti malipo yasiyo ya kawaida katika idara yangu nilihamishwa kituo cha mbali na mshahara wangu ukasimamishwa.',
    ],
  },
  {
    type: 'corruption_report',
    service: 'ethics-breach',
    category: 'abuse-of-office',
    subject: 'NPS',
    en: [
      'Police vehicle used for private business',
      'A police vehicle from a station in {county} is used every weekend to carry charcoal for sale.',
    ],
    sw: [
      'Gari la polisi linatumika kwa biashara binafsi',
      'Gari la polisi kutoka kituo kimoja {county} linatumika kila wikendi kubeba makaa kwa ajili ya kuuza.',
    ],
  },
];

export const CASE_TEMPLATES: Readonly<Record<PilotAgencyCode, readonly CaseTemplate[]>> = {
  KRA,
  DIS,
  BRS,
  NPS,
  MOH,
  CLR,
  EACC,
};
