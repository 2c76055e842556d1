// Every unit test sees the English catalog, as Chrome would show it (test/fakes/i18n.ts).
import { installCatalog } from '../fakes/i18n';

installCatalog('en');
