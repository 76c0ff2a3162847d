# `cmake --install` and the Debian package (cpack -G DEB): the binary, the systemd unit, the
# example configuration (as conffiles under /etc), the alert rules, the dashboards with their
# Grafana provisioning, and the runbook. scripts/package.sh builds the .deb with the prefix
# /usr, which puts the configuration under /etc and the unit under /lib/systemd/system.
set(CMAKE_INSTALL_DOCDIR share/doc/mta-sts-agent CACHE PATH "Documentation")
include(GNUInstallDirs)

install(TARGETS mta-sts-agent RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES deploy/mta-sts-agent.yml DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/mta-sts-agent)
install(FILES deploy/targets/example.yml
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/mta-sts-agent/targets)
# Debian wants units under /lib (usrmerge links it to /usr/lib).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(MTASTS_UNIT_DIR /lib/systemd/system)
else()
  set(MTASTS_UNIT_DIR ${CMAKE_INSTALL_LIBDIR}/systemd/system)
endif()
install(FILES deploy/systemd/mta-sts-agent.service DESTINATION ${MTASTS_UNIT_DIR})
install(FILES deploy/prometheus/mta-sts-agent.rules.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mta-sts-agent/prometheus)
install(FILES dashboards/mta-sts-fleet.json dashboards/mta-sts-domain.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mta-sts-agent/dashboards)
install(DIRECTORY deploy/grafana/provisioning DESTINATION ${CMAKE_INSTALL_DATADIR}/mta-sts-agent/grafana)
install(FILES README.md RUNBOOK.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mta-sts-agent)
set(CPACK_PACKAGE_VENDOR "mta-sts-agent")
set(CPACK_PACKAGE_CONTACT "mta-sts-agent maintainers <maintainers@mta-sts-agent.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Checks the MTA-STS (RFC 8461) deployments of mail domains on a schedule: DNS records,\n\
 the HTTPS policy and its certificate, STARTTLS and certificates of every MX host, and\n\
 TLS-RPT. Exports Prometheus metrics, a status page and a JSON API; ships alert rules,\n\
 Grafana dashboards and a hardened systemd unit.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The root's DNSSEC trust anchor: DANE is checked by default when it is installed.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dns-root-data")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/mta-sts-agent/mta-sts-agent")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/deploy/debian/conffiles;${PROJECT_SOURCE_DIR}/deploy/debian/postinst;${PROJECT_SOURCE_DIR}/deploy/debian/prerm;${PROJECT_SOURCE_DIR}/deploy/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
