/*
 * A citizen's question, as words to search for. Questions are long and chatty ("how do i get a
 * kra pin number please", "nataka kujua jinsi ya kupata pasipoti"): the words that carry no
 * meaning in either language are dropped, so that what is left can be OR-ed (an article need not
 * hold every word) and ranked by how many it holds and where.
 */

// English and Kiswahili words that say nothing about the topic. PostgreSQL's English dictionary
// drops its own stop words, but the plain ('simple') one used for Kiswahili keeps everything.
const STOP_WORDS = new Set(
  `a about after again all am an and any are as at be been before being but by can could did do
  does doing done for from get getting got had has have having he her here hi hello how i if in into
  is it its just me my myself need needed no not now of off on once only or our out over please
  same she should so some still such than thank thanks that the their them then there these they
  this those through to too under until up very want was we were what when where which while who
  whom why will with would you your yours sir madam kindly help know tell find
  dont doesnt doesn didnt didn cant wont isnt aint im ive youre also else again already
  na ya wa za la kwa ni je mimi wewe yeye sisi nyinyi wao hii hiyo huyu hizi ile hilo kwamba lakini
  au pia tu sana kama kuna hakuna nina una ana tuna mna wana nataka ningependa naomba tafadhali
  jinsi gani nini vipi lini wapi nani kwa nini ili hadi kutoka katika kwenye ndani juu chini
  habari asante sasa bado kila mimi yangu yako yake yetu wangu wako wake ninaweza naweza unaweza
  kujua saidia nisaidie msaada nifanye nifanyeje nipate kupata kufanya aje vile sina wala tena
  bila kabisa ingine nyingine kingine zingine kitambo zamani leo jana kesho mimi nyinyi sisi hapa
  hapo huko pale kwani ama ila hata labda tafadhali hebu nawezaje ninawezaje nitajuaje nitajua
  tufanyeje tunafanyaje nitafanyaje ufanyeje inakuwaje`.split(/\s+/),
);

/** Lower-case words of letters and digits, at most 12, stop words removed, each once. */
export function questionWords(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 2 && !STOP_WORDS.has(word));
  return [...new Set(words)].slice(0, 12);
}

// A Kiswahili verb carries its subject, tense and object as prefixes: "amebakwa" (she has been
// raped), "nimegongwa" (I have been hit), "alinipiga" (he beat me). Articles name the act in the
// infinitive ("kubakwa", "kugongwa", "kupiga"): these are the forms worth looking for. Everyday
// writing adds more: "nalipa" for "ninalipa" (I pay), a question's "-je" ("nalipaje": how do I
// pay), Sheng's "ku" before an English verb ("kureport", "ku-renew"), a place's "-ni" ("dukani":
// at the shop) and "-ngu" for "my" ("bwanangu": my husband).
const SUBJECT_TENSE = '^(?:ni|u|a|tu|m|mu|wa|ki|vi|li|ya|i|zi)(?:na|li|me|ta|ki|sha|nge|ka)';
const SWAHILI_VERBS = [
  new RegExp(`${SUBJECT_TENSE}([a-z]{3,})$`),
  new RegExp(`${SUBJECT_TENSE}(?:ni|ku|mw|m|tu|wa|ji|ki|vi|li|ya|zi)([a-z]{3,})$`),
];
const SHORT_PRESENT = /^na([a-z]{4,})$/;
const INFINITIVE = /^ku([a-z]{3,})$/;
const SUFFIXES = /^([a-z]{3,})(?:je|ni|ngu)$/;

/**
 * The forms a Kiswahili word may come from, to look for besides the word itself: the infinitive
 * and the bare stem of a verb form, a word without its suffix; none for other words. Only forms
 * some article uses are searched (search-articles.ts).
 */
export function swahiliVerbForms(word: string): string[] {
  const forms = new Set<string>();
  const add = (stem: string | undefined) => {
    if (!stem || STOP_WORDS.has(stem)) return;
    forms.add(stem);
    if (/[aeiou]$/.test(stem) && !stem.startsWith('ku')) forms.add(`ku${stem}`);
  };
  const bare = SUFFIXES.exec(word)?.[1];
  for (const form of bare ? [word, bare] : [word]) {
    if (form !== word) add(form);
    for (const pattern of [...SWAHILI_VERBS, SHORT_PRESENT]) {
      const verb = pattern.exec(form)?.[1];
      if (verb && /[aeiou]$/.test(verb)) add(verb);
    }
    add(INFINITIVE.exec(form)?.[1]);
  }
  forms.delete(word);
  return [...forms].filter((form) => form.length >= 3 && !STOP_WORDS.has(form));
}
