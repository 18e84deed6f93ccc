import type { Language } from '../../db/schema.ts';

/** The same thing said in each language a case can be in. */
export type Said = Readonly<Record<Language, string>>;

/** Numbers as the templates' sentences need them ("miezi mitatu", "wiki tatu"): nouns agree in Kiswahili. */
export const MONTHS: readonly Said[] = [
  { en: 'two', sw: 'miwili' },
  { en: 'three', sw: 'mitatu' },
  { en: 'four', sw: 'minne' },
  { en: 'five', sw: 'mitano' },
  { en: 'six', sw: 'sita' },
];
export const WEEKS: readonly Said[] = [
  { en: 'two', sw: 'mbili' },
  { en: 'three', sw: 'tatu' },
  { en: 'four', sw: 'nne' },
  { en: 'six', sw: 'sita' },
];
export const DAYS: readonly Said[] = [
  { en: 'three', sw: 'tatu' },
  { en: 'four', sw: 'nne' },
  { en: 'five', sw: 'tano' },
  { en: 'ten', sw: 'kumi' },
];

export const ACKNOWLEDGEMENTS: readonly Said[] = [
  {
    en: 'Thank you for contacting us. Your case has been received and an officer is looking into it.',
    sw: 'Asante kwa kuwasiliana nasi. Kesi yako imepokelewa na afisa anaishughulikia.',
  },
  {
    en: 'We have received your case and will get back to you within five working days.',
    sw: 'Tumepokea kesi yako na tutakujibu ndani ya siku tano za kazi.',
  },
];

export const QUESTIONS: readonly Said[] = [
  {
    en: 'Please send us your ID number and the receipt or application number so that we can trace your file.',
    sw: 'Tafadhali tutumie nambari yako ya kitambulisho na nambari ya risiti au ya ombi ili tuweze kupata faili lako.',
  },
  {
    en: 'Please tell us the date you visited the office and, if you can, the name of the officer you spoke to.',
    sw: 'Tafadhali tuambie tarehe uliyotembelea ofisi na, ukiweza, jina la afisa uliyezungumza naye.',
  },
  {
    en: 'Please send us the M-Pesa confirmation message for the payment.',
    sw: 'Tafadhali tutumie ujumbe wa uthibitisho wa M-Pesa wa malipo hayo.',
  },
];

/** What the citizen answers; {number} is filled with a receipt or ID number. */
export const REPLIES: readonly Said[] = [
  {
    en: 'My ID number is {number} and the receipt number is on the message I forwarded.',
    sw: 'Nambari yangu ya kitambulisho ni {number} na nambari ya risiti iko kwenye ujumbe niliotuma.',
  },
  {
    en: 'I went there on a Tuesday morning; the officer did not give his name.',
    sw: 'Nilienda Jumanne asubuhi; afisa hakunipa jina lake.',
  },
  {
    en: 'The M-Pesa code is {number}. Please help.',
    sw: 'Nambari ya muamala wa M-Pesa ni {number}. Tafadhali nisaidieni.',
  },
];

export const UPDATES: readonly Said[] = [
  {
    en: 'Your file has been traced and sent to the section responsible.',
    sw: 'Faili lako limepatikana na kupelekwa kwa idara inayohusika.',
  },
  {
    en: 'We have escalated your case to the regional manager.',
    sw: 'Tumepeleka kesi yako kwa meneja wa kanda.',
  },
  {
    en: 'We are still working on your case and will update you this week.',
    sw: 'Bado tunashughulikia kesi yako na tutakujulisha wiki hii.',
  },
];

export const RESOLUTIONS: readonly Said[] = [
  {
    en: 'The problem has been corrected in our system. Please check, and tell us if anything is still wrong.',
    sw: 'Tatizo limerekebishwa kwenye mfumo wetu. Tafadhali angalia, na utujulishe kama bado kuna tatizo.',
  },
  {
    en: 'Your request has been processed and the document is ready for collection.',
    sw: 'Ombi lako limeshughulikiwa na hati iko tayari kuchukuliwa.',
  },
  {
    en: 'The payment has been reversed and should reach you within three working days.',
    sw: 'Malipo yamerudishwa na yatakufikia ndani ya siku tatu za kazi.',
  },
  {
    en: 'The officer concerned has been spoken to and the station commander has dealt with the matter.',
    sw: 'Afisa husika amezungumziwa na mkuu wa kituo ameshughulikia suala hilo.',
  },
];

export const ANSWERS: readonly Said[] = [
  {
    en: 'We have answered your question by phone and sent the details by SMS.',
    sw: 'Tumejibu swali lako kwa simu na kukutumia maelezo kwa SMS.',
  },
  {
    en: 'The steps and the documents you need are on the agency website; we have sent you the link by SMS.',
    sw: 'Hatua na nyaraka unazohitaji ziko kwenye tovuti ya taasisi; tumekutumia kiungo kwa SMS.',
  },
];

export const THANKS: readonly Said[] = [
  {
    en: 'Thank you for your feedback; we have shared it with the team.',
    sw: 'Asante kwa maoni yako; tumeyawasilisha kwa timu.',
  },
  {
    en: 'Thank you. Your suggestion has been passed to management for consideration.',
    sw: 'Asante. Pendekezo lako limepelekwa kwa uongozi ili lizingatiwe.',
  },
];

export const WITHDRAWALS: readonly Said[] = [
  { en: 'The matter has been sorted out.', sw: 'Suala limeshughulikiwa.' },
  { en: 'I sent the same complaint twice.', sw: 'Nilituma lalamiko hili mara mbili.' },
  { en: 'I no longer need the service.', sw: 'Sihitaji tena huduma hii.' },
];

export const REOPENINGS: readonly Said[] = [
  { en: 'The problem has come back.', sw: 'Tatizo limerudi.' },
  { en: 'I have not received what was promised.', sw: 'Sijapokea nilichoahidiwa.' },
  { en: 'The correction was not made.', sw: 'Marekebisho hayakufanywa.' },
];

export const CLOSED_FOR_NO_ANSWER: Said = {
  en: 'Closed because we did not hear from you within 14 days. You can reopen the case with its reference and PIN.',
  sw: 'Imefungwa kwa sababu hatukupata jibu lako ndani ya siku 14. Unaweza kuifungua tena kwa nambari ya kesi na PIN.',
};

/** Rating comments, indexed by rating - 1. */
export const RATING_COMMENTS: readonly (readonly Said[])[] = [
  [{ en: 'Nothing has changed.', sw: 'Hakuna kilichobadilika.' }],
  [{ en: 'Only partly solved.', sw: 'Imetatuliwa kwa sehemu tu.' }],
  [{ en: 'It took far too long.', sw: 'Ilichukua muda mrefu mno.' }],
  [{ en: 'Slow, but sorted.', sw: 'Polepole, lakini imeshughulikiwa.' }],
  [
    { en: 'Very helpful, thank you.', sw: 'Mlinisaidia sana, asanteni.' },
    { en: 'Sorted out quickly.', sw: 'Ilishughulikiwa haraka.' },
  ],
];

/** Staff write internal notes and reasons in English. */
export const NOTES: readonly string[] = [
  'Called the citizen and confirmed the details.',
  'File traced at the regional office; waiting for the head of section.',
  'Checked the system: the payment is there but was not allocated.',
  'Discussed with the supervisor: this needs the records section.',
  'Several similar complaints about the same office this week.',
  'The citizen called again asking for an update.',
];

export const PRIORITY_REASONS: readonly string[] = [
  'A vulnerable person is affected.',
  'The citizen has a deadline in a few days.',
  'Repeated complaints about the same office.',
  'Not urgent: general feedback.',
];

export const TRANSFER_REASONS: readonly string[] = [
  'The service described belongs to this agency.',
  'Misdirected: not one of our services.',
  'Routed from the clearing house after reading the description.',
];

export const GIVEN_NAMES: readonly string[] = [
  'Mary',
  'John',
  'Grace',
  'Peter',
  'Faith',
  'Kevin',
  'Esther',
  'Dennis',
  'Joyce',
  'Brian',
  'Mercy',
  'James',
  'Lucy',
  'Daniel',
  'Ann',
  'Samuel',
  'Amina',
  'Hassan',
  'Fatuma',
  'Abdi',
  'Halima',
  'Mohamed',
  'Sharon',
  'Collins',
  'Beatrice',
  'Joseph',
  'Naomi',
  'Stephen',
  'Caroline',
  'Emmanuel',
];

export const FAMILY_NAMES: readonly string[] = [
  'Wanjiku',
  'Kamau',
  'Otieno',
  'Mwangi',
  'Njeri',
  'Wafula',
  'Akinyi',
  'Kiprop',
  'Chebet',
  'Mutua',
  'Mueni',
  'Omondi',
  'Atieno',
  'Kiplagat',
  'Jepkosgei',
  'Barasa',
  'Nafula',
  'Odhiambo',
  'Wambui',
  'Kariuki',
  'Nyambura',
  'Korir',
  'Jelagat',
  'Musyoka',
  'Ndinda',
  'Ochieng',
  'Lokiru',
  'Ekai',
  'Naserian',
  'Lemayian',
  'Moraa',
  'Nyaboke',
  'Kwamboka',
  'Juma',
  'Said',
  'Mohamud',
  'Njoroge',
  'Kimani',
];
