/*
 * The knowledge-base seam the USSD menu's "Information" uses: the same one as SMS "INFO", kept in
 * core/knowledge so one implementation serves both channels.
 */
export {
  type Answer,
  type InformationOffice,
  type InformationSource,
  informationComingSoon,
  type Topic,
} from '../../core/knowledge/information-source.ts';
