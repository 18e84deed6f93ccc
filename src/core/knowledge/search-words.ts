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
  na ya wa za la kwa ni je mimi wewe yeye sisi nyinyi wao hii hiyo huyu hizi ile hilo kwamba lakini
  au pia tu sana kama kuna hakuna nina una ana tuna mna wana nataka ningependa naomba tafadhali
  jinsi gani nini vipi lini wapi nani kwa nini ili hadi kutoka katika kwenye ndani juu chini
  habari asante sasa bado kila mimi yangu yako yake yetu wangu wako wake ninaweza naweza unaweza
  kujua saidia nisaidie msaada nifanye nifanyeje nipate kupata kufanya`.split(/\s+/),
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
// infinitive ("kubakwa", "kugongwa", "kupiga"): these are the forms worth looking for.
const SWAHILI_VERB =
  /^(?:ni|u|a|tu|m|mu|wa|ki|vi|li|ya|i|zi)(?:na|li|me|ta|ki|sha|nge|ka)(?:ni|ku|mw|m|tu|wa|ji|ki|vi|li|ya|zi)?([a-z]{3,})$/;

/** The infinitive and the bare stem a Kiswahili verb form may come from; none for other words. */
export function swahiliVerbForms(word: string): string[] {
  const stem = SWAHILI_VERB.exec(word)?.[1];
  if (!stem || !/[aeiou]$/.test(stem)) return [];
  return [`ku${stem}`, stem];
}
