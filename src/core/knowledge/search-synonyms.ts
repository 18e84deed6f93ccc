/*
 * Words citizens use for what articles name otherwise, in both languages and in Sheng: "conned"
 * for "fraud", "bwana" for "mume", "karao" for "polisi", "imekwama" for "delayed". A question's
 * word also searches for the others of its group (at SYNONYM_WEIGHT of their own weight), so an
 * English question finds a Kiswahili title and the reverse. Each group is one meaning: a word that
 * means two things ("kodi" is tax and rent) stays out of the group where it would mislead.
 *
 * Kept as a short list of everyday words, not of article titles: an article's own wording belongs
 * in its keywords.
 */

const GROUPS = `
husband wife spouse spouses mume mke bwana partner
beat beats beaten beating hit assault assaulted kupiga kupigwa piga pigwa violence vurugu dhuluma
rape raped rapist defiled defilement kubakwa bakwa ubakaji
steal stole stolen robbed robbery theft thief wizi mwizi kuibiwa ibiwa imeibiwa
scam scammed scammer conned con fraud fraudster fraudsters kutapeliwa tapeliwa utapeli tapeli matapeli
lost lose misplaced kupoteza poteza kupotea potea
stuck delayed delay late slow kukwama kwama kuchelewa chelewa
pay paying payment payments paid kulipa lipa malipo
money cash pesa fedha doh
register registration kusajili sajili usajili kujiandikisha andikisha kujisajili
apply application applications kuomba omba maombi
renew renewal kuhuisha huisha
child children kid kids baby daughter son mtoto watoto
parent parents father mother mzazi wazazi baba mama
hospital clinic dispensary facility hospitali zahanati kliniki
doctor nurse daktari muuguzi
police cop cops polisi askari karao
bribe bribery hongo rushwa corruption ufisadi
phone simu mobile
number namba nambari
business biashara shop duka
company kampuni firm
tax taxes ushuru
salary wage wages mshahara
job employment kazi ajira
employer employers mwajiri waajiri
employee employees staff mfanyakazi wafanyakazi
medicine medicines drugs dawa madawa
pregnant pregnancy maternity mimba mjamzito kujifungua
vaccine vaccines vaccination immunisation immunization chanjo
accident crash ajali
complain complaint complaints kulalamika lalamika malalamiko lalamiko
certificate cheti
fee fees cost price charge charges ada gharama bei
refund kurejeshewa marejesho
permit kibali
foreigner foreign foreigners mgeni wageni
citizenship uraia
id kitambulisho
passport pasipoti paspoti
visa viza
emergency dharura
insurance bima cover
deadline due
rent rental renting landlord tenant
car vehicle gari
motorbike pikipiki boda
hurt injured injury kuumia jeraha majeraha
arrest arrested kukamatwa kamatwa
court mahakama
land ardhi shamba plot
school shule
`;

/** How much a synonym counts against the word typed. */
export const SYNONYM_WEIGHT = 0.7;

const SYNONYMS = new Map<string, string[]>();
for (const line of GROUPS.trim().split('\n')) {
  const group = line.trim().split(/\s+/);
  for (const word of group) {
    SYNONYMS.set(word, [...new Set([...(SYNONYMS.get(word) ?? []), ...group.filter((w) => w !== word)])]);
  }
}

/** The other words of `word`'s groups; none for a word in no group. */
export function synonymsOf(word: string): string[] {
  return SYNONYMS.get(word) ?? [];
}
